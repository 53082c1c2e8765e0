/**
 * The default transport: undici's `Dispatcher.dispatch()` with a handler of llmux's own
 * (`response-handler.ts`), on one shared keep-alive `Agent` unless the caller gives a
 * `Dispatcher` (a `ProxyAgent`, a `MockAgent`, a tuned `Agent`). undici is loaded on the first
 * request, not on import.
 */
import type { Agent, Dispatcher } from "undici";
import { decodeBody } from "./decode-body.js";
import { ResponseHandler } from "./response-handler.js";
import type { HttpRequest, HttpResponse, Transport } from "./transport.js";

type AgentClass = typeof import("undici").Agent;

let AgentConstructor: AgentClass | undefined;
let agentLoading: Promise<AgentClass> | undefined;
let sharedAgent: Agent | undefined;

/**
 * Loads undici's `Agent` on the first request. Its own module alone takes a third of the time of
 * undici's index (which also loads fetch, WebSocket, caches, mocks: ~100 ms of a cold start on
 * Node 20); `test/transport.test.ts` checks that it is the very `Agent` undici exports, and the
 * full package is the fallback should its layout change.
 */
async function loadAgent(): Promise<AgentClass> {
  agentLoading ??= import("undici/lib/dispatcher/agent.js")
    .then((module: { default: AgentClass }) => module.default)
    .catch(async () => (await import("undici")).Agent)
    .then((loaded) => {
      AgentConstructor = loaded;
      return loaded;
    });
  return agentLoading;
}

function defaultAgent(AgentType: AgentClass): Agent {
  // llmux enforces its own `timeout` and `streamIdleTimeout`; undici's would cut a long
  // generation at 300 s whatever the caller asked for.
  sharedAgent ??= new AgentType({ keepAliveTimeout: 10_000, headersTimeout: 0, bodyTimeout: 0 });
  return sharedAgent;
}

/** `https://host:port/v1/chat/completions` -> origin and path, parsed once per URL. */
const splitUrls = new Map<string, { origin: string; path: string }>();
function splitUrl(url: string): { origin: string; path: string } {
  let split = splitUrls.get(url);
  if (split === undefined) {
    const parsed = new URL(url);
    split = { origin: parsed.origin, path: parsed.pathname + parsed.search };
    if (splitUrls.size < 256) splitUrls.set(url, split);
  }
  return split;
}

/** A transport over undici's `dispatch()`, on `dispatcher` or the shared keep-alive agent. */
export function createUndiciTransport(dispatcher?: Dispatcher): Transport {
  return async (request: HttpRequest): Promise<HttpResponse> => {
    const target = dispatcher ?? defaultAgent(AgentConstructor ?? (await loadAgent()));
    const { origin, path } = splitUrl(request.url);
    const handler = await new Promise<ResponseHandler>((resolve, reject) => {
      target.dispatch(
        {
          origin,
          path,
          method: request.method,
          headers: request.headers,
          body: request.body ?? null,
          headersTimeout: 0,
          bodyTimeout: 0,
        },
        new ResponseHandler(resolve, reject, request.abort),
      );
    });
    return decodeBody(handler);
  };
}
