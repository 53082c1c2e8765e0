/**
 * The default transport: undici's `request()`, on one shared keep-alive `Agent` unless the caller
 * gives a `Dispatcher`. undici is loaded on the first request, not on import.
 */
import type { Agent, Dispatcher } from "undici";
import type { HttpRequest, HttpResponse, Transport } from "./transport.js";

type Undici = typeof import("undici");

let undiciModule: Undici | undefined;
let undiciLoading: Promise<Undici> | undefined;
let sharedAgent: Agent | undefined;

async function loadUndici(): Promise<Undici> {
  undiciLoading ??= import("undici").then((module) => {
    undiciModule = module;
    return module;
  });
  return undiciLoading;
}

function defaultAgent(undici: Undici): Agent {
  // llmux enforces its own `timeout` and `streamIdleTimeout`; undici's would cut a long
  // generation at 300 s whatever the caller asked for.
  sharedAgent ??= new undici.Agent({
    keepAliveTimeout: 10_000,
    headersTimeout: 0,
    bodyTimeout: 0,
  });
  return sharedAgent;
}

/** undici gives header values as `string | string[]`; llmux works with one string per name. */
function toHeaderRecord(
  raw: Record<string, string | string[] | undefined>,
): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const name in raw) {
    const value = raw[name];
    if (value !== undefined) headers[name] = typeof value === "string" ? value : value.join(", ");
  }
  return headers;
}

/** A transport over undici's `request()`, on `dispatcher` or the shared keep-alive agent. */
export function createUndiciTransport(dispatcher?: Dispatcher): Transport {
  return async (request: HttpRequest): Promise<HttpResponse> => {
    const undici = undiciModule ?? (await loadUndici());
    const response = await undici.request(request.url, {
      method: request.method,
      headers: request.headers,
      body: request.body ?? null,
      signal: request.signal,
      dispatcher: dispatcher ?? defaultAgent(undici),
      headersTimeout: 0,
      bodyTimeout: 0,
    });
    const body = response.body;
    return {
      status: response.statusCode,
      headers: toHeaderRecord(response.headers),
      body,
      text: () => body.text(),
      destroy: () => {
        if (!body.destroyed) body.destroy();
      },
    };
  };
}
