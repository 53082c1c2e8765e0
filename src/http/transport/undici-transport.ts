/**
 * The default transport: undici's `Dispatcher.dispatch()` with a handler of llmux's own, on one
 * shared keep-alive `Agent` unless the caller gives a `Dispatcher` (a `ProxyAgent`, a
 * `MockAgent`, a tuned `Agent`). undici is loaded on the first request, not on import.
 *
 * Why `dispatch()` and not `request()`: `request()` wraps every answer in a Node `Readable` and
 * an abort listener, which measured ~15 % of a whole local call. llmux reads each body exactly
 * one way (all of it as text, or chunk by chunk for a stream), so the handler below keeps the
 * chunks in an array and hands them over directly, with undici's own pause/resume for
 * backpressure.
 */
import type { Agent, Dispatcher } from "undici";
import type { AbortHandle } from "./abort-handle.js";
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

/** undici gives header values as `string | string[]`; llmux works with one string per name. */
function toHeaderRecord(
  raw: Record<string, string | string[] | undefined>,
): Record<string, string> {
  for (const name in raw) {
    if (typeof raw[name] !== "string") return joinHeaders(raw);
  }
  return raw as Record<string, string>;
}

function joinHeaders(raw: Record<string, string | string[] | undefined>): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const name in raw) {
    const value = raw[name];
    if (value !== undefined) headers[name] = typeof value === "string" ? value : value.join(", ");
  }
  return headers;
}

/**
 * The controller undici 7 hands a handler, made for a dispatcher of an older undici (6.x), which
 * calls the legacy handler methods with an `abort` function and a `resume` callback instead.
 */
class LegacyController implements Dispatcher.DispatchController {
  #abort: (reason?: Error) => void;
  #aborted = false;
  #paused = false;
  #reason: Error | null = null;
  resumeReading: (() => void) | undefined;

  constructor(abort: (reason?: Error) => void) {
    this.#abort = abort;
  }

  get aborted(): boolean {
    return this.#aborted;
  }

  get paused(): boolean {
    return this.#paused;
  }

  get reason(): Error | null {
    return this.#reason;
  }

  abort(reason: Error): void {
    if (this.#aborted) return;
    this.#aborted = true;
    this.#reason = reason;
    this.#abort(reason);
  }

  pause(): void {
    this.#paused = true;
  }

  resume(): void {
    if (!this.#paused) return;
    this.#paused = false;
    this.resumeReading?.();
  }
}

/** Raw headers (`[name, value, name, value, ...]`, as buffers or strings) as one string per name. */
function parseRawHeaders(raw: readonly (Buffer | string)[]): Record<string, string> {
  const headers: Record<string, string> = {};
  for (let index = 0; index + 1 < raw.length; index += 2) {
    const name = String(raw[index]).toLowerCase();
    const value = String(raw[index + 1]);
    const previous = headers[name];
    headers[name] = previous === undefined ? value : `${previous}, ${value}`;
  }
  return headers;
}

/** Past this many bytes read and not yet taken, the connection is paused. */
const HIGH_WATER_MARK = 64 * 1024;
/** How long a body the caller no longer needs may take to end before its connection is closed. */
const RELEASE_GRACE_MS = 1_000;

/**
 * One request's handler, and its response's body. The body is taken once: all of it through
 * `text()`, or chunk by chunk through the async iterator.
 */
class ResponseHandler
  implements Dispatcher.DispatchHandler, HttpResponse, AsyncIterator<Uint8Array>
{
  status = 0;
  headers: Record<string, string> = {};
  readonly body: AsyncIterable<Uint8Array> = { [Symbol.asyncIterator]: () => this };

  #resolve: ((response: HttpResponse) => void) | undefined;
  #reject: ((error: unknown) => void) | undefined;
  #abort: AbortHandle;
  #controller: Dispatcher.DispatchController | undefined;
  #chunks: Buffer[] = [];
  #queuedBytes = 0;
  #ended = false;
  #discard = false;
  /** text() was called: the whole body is wanted, so reading never pauses. */
  #wantsAll = false;
  #error: unknown = undefined;
  /** A reader waiting for the next chunk (iterator) or for the end (text). */
  #wake: (() => void) | undefined;

  constructor(
    resolve: (response: HttpResponse) => void,
    reject: (error: unknown) => void,
    abort: AbortHandle,
  ) {
    this.#resolve = resolve;
    this.#reject = reject;
    this.#abort = abort;
    // undici starts the handler only once a connection is up; an abort while connecting (or
    // queued) must not wait for that, so it rejects here at once.
    abort.onAbort(() => {
      const error = abortError();
      const rejectNow = this.#reject;
      this.#resolve = undefined;
      this.#reject = undefined;
      rejectNow?.(error);
      this.#controller?.abort(error);
    });
  }

  // -- undici's side ----------------------------------------------------------------------------

  onRequestStart(controller: Dispatcher.DispatchController): void {
    this.#controller = controller;
    if (this.#abort.aborted) controller.abort(abortError());
  }

  onResponseStart(
    _controller: Dispatcher.DispatchController,
    statusCode: number,
    headers: Record<string, string | string[] | undefined>,
  ): void {
    if (statusCode < 200) return; // 1xx: the real answer follows
    this.status = statusCode;
    this.headers = toHeaderRecord(headers);
    const resolve = this.#resolve;
    this.#resolve = undefined;
    this.#reject = undefined;
    resolve?.(this);
  }

  onResponseData(controller: Dispatcher.DispatchController, chunk: Buffer): void {
    if (this.#discard) return;
    this.#chunks.push(chunk);
    this.#queuedBytes += chunk.length;
    // Backpressure only for a stream whose reader is busy; text() takes everything anyway.
    if (this.#queuedBytes > HIGH_WATER_MARK && this.#wake === undefined && !this.#wantsAll) {
      controller.pause();
    }
    this.#notify();
  }

  onResponseEnd(): void {
    this.#ended = true;
    this.#notify();
  }

  onResponseError(_controller: Dispatcher.DispatchController, error: Error): void {
    const reject = this.#reject;
    this.#resolve = undefined;
    this.#reject = undefined;
    if (reject !== undefined) {
      reject(error);
      return;
    }
    this.#error ??= error;
    this.#ended = true;
    this.#notify();
  }

  // -- the same, for a dispatcher of undici 6, which calls the legacy handler methods ------------

  #legacy: LegacyController | undefined;

  onConnect(abort: (reason?: Error) => void): void {
    this.#legacy = new LegacyController(abort);
    this.onRequestStart(this.#legacy);
  }

  onHeaders(statusCode: number, rawHeaders: (Buffer | string)[], resume: () => void): boolean {
    const legacy = this.#legacy as LegacyController;
    legacy.resumeReading = resume;
    this.onResponseStart(legacy, statusCode, parseRawHeaders(rawHeaders));
    return !legacy.paused;
  }

  onData(chunk: Buffer): boolean {
    const legacy = this.#legacy as LegacyController;
    this.onResponseData(legacy, chunk);
    return !legacy.paused;
  }

  onComplete(): void {
    this.onResponseEnd();
  }

  onError(error: Error): void {
    this.onResponseError(this.#legacy as LegacyController, error);
  }

  #notify(): void {
    const wake = this.#wake;
    if (wake !== undefined) {
      this.#wake = undefined;
      wake();
    }
  }

  #waitForMore(): Promise<void> {
    return new Promise((resolve) => {
      this.#wake = resolve;
      if (this.#controller?.paused) this.#controller.resume();
    });
  }

  // -- llmux's side -----------------------------------------------------------------------------

  async text(): Promise<string> {
    this.#wantsAll = true;
    while (!this.#ended) await this.#waitForMore();
    if (this.#error !== undefined) throw this.#error;
    const chunks = this.#chunks;
    this.#chunks = [];
    if (chunks.length === 1) return (chunks[0] as Buffer).toString("utf8");
    return Buffer.concat(chunks).toString("utf8");
  }

  async next(): Promise<IteratorResult<Uint8Array>> {
    while (this.#chunks.length === 0) {
      if (this.#ended) {
        if (this.#error !== undefined) throw this.#error;
        return { done: true, value: undefined };
      }
      await this.#waitForMore();
    }
    // Hand over everything read so far as one chunk: fewer trips through the SSE decoder.
    const chunks = this.#chunks;
    this.#chunks = [];
    this.#queuedBytes = 0;
    if (this.#controller?.paused && !this.#ended) this.#controller.resume();
    return {
      done: false,
      value: chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks),
    };
  }

  async return(): Promise<IteratorResult<Uint8Array>> {
    this.destroy();
    return { done: true, value: undefined };
  }

  release(): void {
    this.#chunks = [];
    if (this.#ended) return;
    // Usually only the end of the chunked body is still on its way: let it come, so that the
    // connection goes back to the pool; close it if it does not come soon.
    this.#discard = true;
    if (this.#controller?.paused) this.#controller.resume();
    setTimeout(() => this.destroy(), RELEASE_GRACE_MS).unref();
  }

  destroy(): void {
    this.#chunks = [];
    if (!this.#ended) {
      this.#ended = true;
      this.#error ??= abortError();
      this.#controller?.abort(abortError());
      this.#notify();
    }
  }
}

function abortError(): Error {
  const error = new Error("The request was aborted");
  error.name = "AbortError";
  return error;
}

/** A transport over undici's `dispatch()`, on `dispatcher` or the shared keep-alive agent. */
export function createUndiciTransport(dispatcher?: Dispatcher): Transport {
  return async (request: HttpRequest): Promise<HttpResponse> => {
    const target = dispatcher ?? defaultAgent(AgentConstructor ?? (await loadAgent()));
    const { origin, path } = splitUrl(request.url);
    return new Promise<HttpResponse>((resolve, reject) => {
      const handler = new ResponseHandler(resolve, reject, request.abort);
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
        handler,
      );
    });
  };
}
