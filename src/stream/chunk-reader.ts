/**
 * Reads the chunks of one streamed answer: bytes -> events (sse.ts) -> parsed, mapped chunks,
 * one at a time, as they arrive. Also enforces `streamIdleTimeout` and names every way the
 * stream can end: `[DONE]`, a clean end of the body, an error event, a dropped connection, an
 * idle timeout, the caller's abort, or the user closing it.
 */

import type { EventSourceMessage } from "eventsource-parser";
import {
  createConnectionError,
  createEventError,
  createInvalidBodyError,
  where,
} from "../errors/create-error.js";
import { APIError, TimeoutError } from "../errors/errors.js";
import { type Attempt, stopAttempt, toCallError } from "../http/send.js";
import type { HttpResponse } from "../http/transport/transport.js";
import type { ResolvedCall } from "../params/resolve-call.js";
import type { ModelResponseStream } from "../types.js";
import { createSSEDecoder } from "./sse-decoder.js";

const START_EXCERPT_BYTES = 1_000;

/** Where a `CompletionStream` gets its chunks from: the network, or a `mockResponse`. */
export interface ChunkSource {
  /** The next chunk; undefined at the end of the stream. Throws what ended the stream badly. */
  next(): Promise<ModelResponseStream | undefined>;
  /** A chunk ready now, without waiting; undefined when `next()` must be awaited. */
  takeQueued?(): ModelResponseStream | undefined;
  /** Stops the stream at once; `early` when chunks may remain (the connection is closed). */
  close(early: boolean): void;
}

/** A `ChunkSource` over an HTTP answer. */
export class ChunkReader implements ChunkSource {
  readonly #call: ResolvedCall;
  readonly #attempt: Attempt;
  readonly #response: HttpResponse;
  readonly #bytes: AsyncIterator<Uint8Array>;
  readonly #decoder;
  #queue: ModelResponseStream[] = [];
  #head = 0;
  /** `[DONE]`, an error event or the end of the body was seen: no more reads. */
  #ended = false;
  /** Whether any event came; a body with none is not a stream. */
  #sawEvent = false;
  /** The start of a body that has sent no event yet, for the message if it never does. */
  #start = "";
  #pendingError: APIError | undefined;
  #waiting = false;
  #idleTimer: ReturnType<typeof setTimeout> | undefined;
  #idleTimeout = 0;
  #closed = false;

  constructor(call: ResolvedCall, attempt: Attempt, response: HttpResponse) {
    this.#call = call;
    this.#attempt = attempt;
    this.#response = response;
    this.#bytes = response.body[Symbol.asyncIterator]();
    this.#decoder = createSSEDecoder(this.#onEvent);
  }

  /** An error event's error, when it is what ended the stream. */
  get pendingError(): APIError | undefined {
    return this.#pendingError;
  }

  /** One event: `[DONE]`, an error, or a chunk for the queue. Bound once per stream. */
  readonly #onEvent = ({ data, event }: EventSourceMessage): void => {
    this.#sawEvent = true;
    if (this.#ended) return;
    if (data === "[DONE]") {
      this.#ended = true;
      return;
    }
    if (data === "") return;
    let chunk: Record<string, unknown>;
    try {
      chunk = JSON.parse(data);
    } catch (cause) {
      this.#fail(
        new APIError(
          `${where(this.#call.context)}: a stream event is not JSON: ${data.slice(0, 200)}`,
          {
            provider: this.#call.context.provider,
            model: this.#call.model,
            status: this.#response.status,
            requestId: this.#response.headers["x-request-id"],
            body: data.slice(0, 200),
            cause,
            isRetryable: false,
          },
        ),
      );
      return;
    }
    if (chunk === null || typeof chunk !== "object") return;
    if ((chunk.error !== undefined && chunk.error !== null) || event === "error") {
      this.#fail(
        createEventError(
          this.#call.context,
          chunk,
          this.#response.headers,
          this.#response.headers["x-request-id"],
        ),
      );
      return;
    }
    this.#queue.push(this.#call.adapter.doMapChunk(chunk) as ModelResponseStream);
  };

  #fail(error: APIError): void {
    this.#pendingError = error;
    this.#ended = true;
  }

  /**
   * Starts the idle timer: from now on, a read that waits longer than `ms` for the server ends
   * the stream with a `TimeoutError`. The time the consumer holds a chunk does not count.
   */
  startIdleTimer(ms: number): void {
    if (ms > 2_147_483_647 || this.#closed) return;
    this.#idleTimeout = ms;
    this.#idleTimer = setTimeout(() => {
      if (this.#waiting) stopAttempt(this.#attempt, "idle");
    }, ms);
  }

  /** A chunk already read, if there is one and the stream was not stopped: no promise needed. */
  takeQueued(): ModelResponseStream | undefined {
    if (this.#head === this.#queue.length || this.#attempt.stoppedBy !== undefined)
      return undefined;
    const chunk = this.#queue[this.#head++] as ModelResponseStream;
    if (this.#head === this.#queue.length) {
      this.#queue.length = 0;
      this.#head = 0;
    }
    return chunk;
  }

  async next(): Promise<ModelResponseStream | undefined> {
    while (true) {
      // An abort or timeout wins over chunks already read but not yet yielded.
      if (this.#attempt.stoppedBy !== undefined) return this.#stopped(undefined);
      const chunk = this.takeQueued();
      if (chunk !== undefined) return chunk;
      if (this.#pendingError !== undefined) {
        this.close(false);
        throw this.#pendingError;
      }
      if (this.#ended) {
        this.close(false);
        return undefined;
      }
      await this.#read();
    }
  }

  async #read(): Promise<void> {
    let result: IteratorResult<Uint8Array>;
    this.#waiting = true;
    this.#idleTimer?.refresh();
    try {
      result = await this.#bytes.next();
    } catch (error) {
      this.#waiting = false;
      if (this.#attempt.stoppedBy !== undefined) {
        await this.#stopped(error);
        return;
      }
      this.close(true);
      throw createConnectionError(this.#call.context, error);
    }
    this.#waiting = false;
    if (result.done) {
      if (this.#attempt.stoppedBy !== undefined) return;
      this.#decoder.end();
      if (!this.#sawEvent && this.#start.trim() !== "") {
        // A 200 that is not a stream at all (an HTML page from a proxy): say so, never end quietly.
        this.#fail(
          createInvalidBodyError(
            this.#call.context,
            this.#response.status,
            this.#response.headers,
            this.#start,
            "a stream of server-sent events",
          ),
        );
      }
      this.#ended = true;
      return;
    }
    if (!this.#sawEvent && this.#start.length < START_EXCERPT_BYTES) {
      this.#start += Buffer.from(result.value).toString("utf8", 0, START_EXCERPT_BYTES);
    }
    try {
      this.#decoder.feed(result.value);
    } catch (cause) {
      this.#fail(
        new APIError(
          `${where(this.#call.context)}: the stream is not server-sent events: ${String((cause as Error).message)}`,
          { provider: this.#call.context.provider, model: this.#call.model, cause },
        ),
      );
    }
  }

  /** The stream was stopped by llmux (timeout, abort, close): end quietly or throw why. */
  async #stopped(error: unknown): Promise<undefined> {
    const by = this.#attempt.stoppedBy;
    this.close(true);
    if (by === "closed") return undefined;
    if (by === "idle") {
      throw new TimeoutError(
        `${where(this.#call.context)}: the stream sent nothing for ${this.#idleTimeout} ms (streamIdleTimeout). Raise \`streamIdleTimeout\` for slow models.`,
        {
          provider: this.#call.context.provider,
          model: this.#call.model,
          status: this.#response.status,
          requestId: this.#response.headers["x-request-id"],
        },
      );
    }
    throw toCallError(error, this.#attempt, this.#call, "no first chunk came");
  }

  close(early: boolean): void {
    if (this.#closed) return;
    this.#closed = true;
    clearTimeout(this.#idleTimer);
    if (early) {
      if (this.#attempt.stoppedBy === undefined) stopAttempt(this.#attempt, "closed");
      else this.#response.destroy();
    } else {
      // The body was read to its end, or to `[DONE]` (then whatever follows is not needed).
      this.#response.release();
    }
  }
}
