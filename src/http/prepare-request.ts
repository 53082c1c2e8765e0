/**
 * The HTTP request of a call: built by its provider adapter, with llmux's `user-agent`, the
 * caller's `extraHeaders`, the base's query after the endpoint's path, and the body as JSON.
 */
import { BadRequestError } from "../errors/errors.js";
import type { Endpoint } from "../providers/provider.js";
import { VERSION } from "../version.js";
import type { ResolvedCall } from "./resolved-call.js";
import type { HttpRequest } from "./transport/transport.js";

const USER_AGENT = `llmux/${VERSION}`;

/** The request of a call, without the abort handle each attempt adds. */
export type PreparedRequest = Omit<HttpRequest, "abort">;

/** Builds the HTTP request of a call through its adapter. */
export function prepareRequest(
  call: ResolvedCall,
  endpoint: Endpoint,
  body: Record<string, unknown> | undefined,
): PreparedRequest {
  const request = call.adapter.doBuildRequest({
    endpoint,
    model: call.model,
    apiBase: call.apiBase,
    apiKey: call.apiKey,
    body,
  });
  const headers = request.headers;
  headers["user-agent"] = USER_AGENT;
  if (call.extraHeaders !== undefined) Object.assign(headers, call.extraHeaders);
  return {
    method: request.method,
    url: withQuery(request.url, call.apiQuery),
    headers,
    body: request.body === undefined ? undefined : toJson(request.body, call),
  };
}

/** Appends the base's query to a URL, after any query the adapter put there. */
function withQuery(url: string, query: string): string {
  if (query === "") return url;
  return url.includes("?") ? `${url}&${query.slice(1)}` : url + query;
}

/** The body as JSON; a value JSON cannot hold (a cycle, a BigInt) is a `BadRequestError`. */
function toJson(body: Record<string, unknown>, call: ResolvedCall): string {
  try {
    return JSON.stringify(body);
  } catch (error) {
    // Cold path: find the key that cannot be written, to name it.
    const key = Object.keys(body).find((name) => !canStringify(body[name])) ?? "";
    const path = call.extraBody !== undefined && key in call.extraBody ? `extraBody.${key}` : key;
    const reason = error instanceof Error ? error.message : String(error);
    throw new BadRequestError(
      `llmux: ${call.context.provider}/${call.model}: \`${path}\` cannot be sent as JSON (${reason}). Give plain JSON values: no cycles, no BigInt (write it as a number or a string).`,
      {
        provider: call.context.provider,
        model: call.model,
        issues: [{ path, message: "cannot be sent as JSON (a cycle, or a BigInt)" }],
      },
    );
  }
}

function canStringify(value: unknown): boolean {
  try {
    JSON.stringify(value);
    return true;
  } catch {
    return false;
  }
}
