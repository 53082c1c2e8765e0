/**
 * One request's undici handler, and its response's body. Why a handler of llmux's own rather than
 * undici's `request()`: `request()` wraps every answer in a Node `Readable` and an abort
 * listener, which measured ~15 % of a whole local call. llmux reads each body exactly one way
 * (all of it, or chunk by chunk for a stream), so the handler keeps the chunks in an array and
 * hands them over directly, with undici's own pause/resume for backpressure.
 */
import type { Dispatcher } from "undici";
import type { AbortHandle } from "./abort-handle.js";
import { LegacyController, parseRawHeaders } from "./legacy-controller.js";
import { abortError, type HttpResponse, ResponseTooLargeError } from "./transport.js";

/** Past this many bytes read and not yet taken, the connection is paused. */
const HIGH_WATER_MARK = 64 * 1024;
/** How long a body the caller no longer needs may take to end before its connection is closed. */
const RELEASE_GRACE_MS = 1_000;

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
 * One request's handler, and its response's body. The body is taken once: all of it through
 * `bytes()` / `text()`, or chunk by chunk through the async iterator.
 */
export class ResponseHandler
  implements Dispatcher.DispatchHandler, HttpResponse, AsyncIterator<Uint8Array>
{
  status = 0;
  headers: Record<string, string> = {};
  readonly body: AsyncIterable<Uint8Array> = { [Symbol.asyncIterator]: () => this };

  #resolve: ((response: ResponseHandler) => void) | undefined;
  #reject: ((error: unknown) => void) | undefined;
  #abort: AbortHandle;
  #controller: Dispatcher.DispatchController | undefined;
  #chunks: Buffer[] = [];
  #queuedBytes = 0;
  #ended = false;
  #discard = false;
  /** bytes() was called: the whole body is wanted, so reading never pauses, up to this limit. */
  #limit: number | undefined;
  #error: unknown = undefined;
  /** A reader waiting for the next chunk (iterator) or for the end (bytes). */
  #wake: (() => void) | undefined;

  constructor(
    resolve: (response: ResponseHandler) => void,
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
      this.#fail(error);
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
    if (this.#discard || this.#ended) return;
    this.#chunks.push(chunk);
    this.#queuedBytes += chunk.length;
    if (this.#limit !== undefined) {
      if (this.#queuedBytes > this.#limit) this.#fail(new ResponseTooLargeError(this.#limit));
    } else if (this.#queuedBytes > HIGH_WATER_MARK && this.#wake === undefined) {
      // Backpressure only for a stream whose reader is busy; bytes() takes everything anyway.
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

  // -- llmux's side -----------------------------------------------------------------------------

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

  /** Ends the body with `error`: reading stops, the connection is closed, readers get `error`. */
  #fail(error: unknown): void {
    this.#chunks = [];
    this.#error ??= error;
    if (this.#ended) return;
    this.#ended = true;
    this.#controller?.abort(error instanceof Error ? error : abortError());
    this.#notify();
  }

  /** The whole body as bytes; rejects with a `ResponseTooLargeError` past `maxBytes`. */
  async bytes(maxBytes: number): Promise<Buffer> {
    const declared = Number(this.headers["content-length"]);
    if (declared > maxBytes) this.#fail(new ResponseTooLargeError(maxBytes));
    this.#limit = maxBytes;
    if (this.#queuedBytes > maxBytes) this.#fail(new ResponseTooLargeError(maxBytes));
    while (!this.#ended) await this.#waitForMore();
    if (this.#error !== undefined) throw this.#error;
    const chunks = this.#chunks;
    this.#chunks = [];
    return chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks);
  }

  async text(maxBytes: number): Promise<string> {
    return (await this.bytes(maxBytes)).toString("utf8");
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
    this.close(true);
    return { done: true, value: undefined };
  }

  close(early: boolean): void {
    if (early || this.#ended) {
      this.#fail(abortError());
      return;
    }
    // Usually only the end of the chunked body is still on its way: let it come, so that the
    // connection goes back to the pool; close it if it does not come soon.
    this.#chunks = [];
    this.#discard = true;
    if (this.#controller?.paused) this.#controller.resume();
    setTimeout(() => this.close(true), RELEASE_GRACE_MS).unref();
  }
}
