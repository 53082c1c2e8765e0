/**
 * Reads the chunks of one streamed answer: bytes -> events (`sse-decoder.ts`) -> parsed, mapped
 * chunks, one at a time, as they arrive. Also enforces `streamIdleTimeout` and names every way
 * the stream can end: `[DONE]`, a clean end of the body, an error event, a malformed event, a
 * dropped connection, an idle timeout, the caller's abort, or the user closing it.
 */
import type { EventSourceMessage } from "eventsource-parser";
import {
  createConnectionError,
  createEventError,
  createIdleTimeoutError,
  createInvalidBodyError,
  createInvalidEventError,
  createMappingError,
} from "../errors/create-error.js";
import type { APIError } from "../errors/errors.js";
import { redactTruncated } from "../errors/redact.js";
import { type Attempt, MAX_TIMER_MS, toAttemptError } from "../http/attempt.js";
import type { ResolvedCall } from "../http/resolved-call.js";
import type { HttpResponse } from "../http/transport/transport.js";
import type { StreamMapper } from "../providers/provider.js";
import type { ModelResponseStream } from "../types.js";
import { createSSEDecoder } from "./sse-decoder.js";

/** How much of a body that has sent no event yet is kept, for the message if it never does. */
const START_EXCERPT_CHARACTERS = 1_000;

/** The first line of a server-sent events body: a field (`data:`, `event:`, ...) or a comment. */
const SSE_FIRST_LINE = /^(?:data|event|id|retry)(?::|$)|^:/;

/** Where a `CompletionStream` gets its chunks from: the network, or a `mockResponse`. */
export interface ChunkSource {
  /** The next chunk; undefined at the end of the stream. Throws what ended the stream badly. */
  next(): Promise<ModelResponseStream | undefined>;
  /** A chunk ready now, without waiting; undefined when `next()` must be awaited. */
  takeQueued?(): ModelResponseStream | undefined;
  /** Stops the stream at once; `early` when chunks may remain (the connection is closed). */
  close(early: boolean): void;
}

/** The data of an `event: error`, whatever it is: JSON when it parses, else the text. */
function parseErrorData(data: string): unknown {
  try {
    return JSON.parse(data);
  } catch {
    return data;
  }
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
  /** Events seen so far, to say where a malformed one was. */
  #events = 0;
  /** The start of a body that has sent no event yet, for the message if it never does. */
  #start = "";
  #error: APIError | undefined;
  #waiting = false;
  #idleTimer: ReturnType<typeof setTimeout> | undefined;
  #idleTimeout = 0;
  #closed = false;

  /** The adapter's mapper, for a protocol whose events are not OpenAI chunks. */
  readonly #mapper: StreamMapper | undefined;

  constructor(
    call: ResolvedCall,
    attempt: Attempt,
    response: HttpResponse,
    mapper: StreamMapper | undefined,
  ) {
    this.#call = call;
    this.#mapper = mapper;
    this.#attempt = attempt;
    this.#response = response;
    this.#bytes = response.body[Symbol.asyncIterator]();
    this.#decoder = createSSEDecoder(this.#onEvent);
  }

  /** One event: `[DONE]`, an error, or a chunk for the queue. Bound once per stream. */
  readonly #onEvent = ({ data, event }: EventSourceMessage): void => {
    this.#events++;
    if (this.#ended) return;
    if (data === "[DONE]") {
      this.#ended = true;
      return;
    }
    const response = this.#response;
    if (event === "error") {
      this.#fail(createEventError(this.#attempt.context, parseErrorData(data), response.headers));
      return;
    }
    if (data === "") return;
    let chunk: Record<string, unknown>;
    try {
      chunk = JSON.parse(data);
    } catch {
      // Not the SyntaxError as cause: its message quotes the event, which is response content.
      this.#fail(
        createInvalidEventError(
          this.#attempt.context,
          "is not JSON",
          this.#events,
          data,
          response.status,
          response.headers,
        ),
      );
      return;
    }
    if (chunk === null || typeof chunk !== "object") return;
    if (chunk.error !== undefined && chunk.error !== null) {
      this.#fail(createEventError(this.#attempt.context, chunk, response.headers));
      return;
    }
    const mapper = this.#mapper;
    if (mapper === undefined) {
      const adapter = this.#call.adapter;
      const mapped = adapter.doMapChunk === undefined ? chunk : adapter.doMapChunk(chunk);
      this.#queue.push(mapped as ModelResponseStream);
      return;
    }
    let chunks: readonly Record<string, unknown>[];
    try {
      chunks = mapper(chunk, event);
    } catch (cause) {
      this.#fail(
        createMappingError(this.#attempt.context, response.status, response.headers, cause),
      );
      return;
    }
    for (const mapped of chunks) {
      // A failure the protocol reports as content (Gemini's blocked prompt): thrown as its error.
      if (mapped.error != null) {
        this.#fail(createEventError(this.#attempt.context, mapped, response.headers));
        return;
      }
      this.#queue.push(mapped as ModelResponseStream);
    }
  };

  #fail(error: APIError): void {
    this.#error ??= error;
    this.#ended = true;
  }

  /**
   * Starts the idle timer: from now on, a read that waits longer than `ms` for the server ends
   * the stream with a `TimeoutError`. The time the consumer holds a chunk does not count.
   */
  startIdleTimer(ms: number): void {
    if (ms > MAX_TIMER_MS || this.#closed) return;
    this.#idleTimeout = ms;
    this.#idleTimer = setTimeout(() => {
      if (this.#waiting) this.#attempt.abort("idle");
    }, ms);
  }

  /** A chunk already read, if there is one and the stream was not stopped: no promise needed. */
  takeQueued(): ModelResponseStream | undefined {
    if (this.#head === this.#queue.length || this.#attempt.abortedBy !== undefined) {
      return undefined;
    }
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
      if (this.#attempt.abortedBy !== undefined) return this.#aborted(undefined);
      const chunk = this.takeQueued();
      if (chunk !== undefined) return chunk;
      if (this.#error !== undefined) {
        this.close(false);
        throw this.#error;
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
      if (this.#attempt.abortedBy !== undefined) {
        await this.#aborted(error);
        return;
      }
      this.close(true);
      throw createConnectionError(this.#attempt.context, error);
    }
    this.#waiting = false;
    if (result.done) {
      if (this.#attempt.abortedBy === undefined) this.#endOfBody();
      return;
    }
    if (this.#events === 0 && this.#start.length < START_EXCERPT_CHARACTERS) {
      this.#start += Buffer.from(result.value).toString("utf8", 0, START_EXCERPT_CHARACTERS);
    }
    try {
      this.#decoder.feed(result.value);
    } catch (cause) {
      this.#fail(
        createInvalidEventError(
          this.#attempt.context,
          `is not a server-sent event (${(cause as Error).message})`,
          this.#events + 1,
          "",
          this.#response.status,
          this.#response.headers,
        ),
      );
    }
  }

  /**
   * The body ended. Before any event, it must at least look like server-sent events (events
   * without `data:` are a valid stream with no chunk); an empty body or an HTML page from a proxy
   * is an error, never a quiet empty stream.
   */
  #endOfBody(): void {
    this.#decoder.end();
    this.#ended = true;
    if (this.#events > 0) return;
    const firstLine = this.#start
      .replace(/^\uFEFF/, "")
      .trimStart()
      .split(/\r\n|\r|\n/, 1)[0];
    if (firstLine !== undefined && SSE_FIRST_LINE.test(firstLine)) return;
    const response = this.#response;
    this.#fail(
      createInvalidBodyError(
        this.#attempt.context,
        response.status,
        response.headers,
        redactTruncated(this.#start, this.#attempt.context.apiKey),
        "a stream of server-sent events",
      ),
    );
  }

  /** The attempt was aborted (timeout, idle, caller, closed): end quietly or throw why. */
  async #aborted(error: unknown): Promise<undefined> {
    const by = this.#attempt.abortedBy;
    this.close(true);
    if (by === "closed") return undefined;
    if (by === "idle") {
      const { status, headers } = this.#response;
      throw createIdleTimeoutError(this.#attempt.context, this.#idleTimeout, status, headers);
    }
    throw toAttemptError(error, this.#attempt, this.#call, "no first chunk came");
  }

  close(early: boolean): void {
    if (this.#closed) return;
    this.#closed = true;
    clearTimeout(this.#idleTimer);
    if (!early) {
      // The body was read to its end, or to `[DONE]` (then whatever follows is not needed).
      this.#response.close(false);
    } else if (this.#attempt.abortedBy === undefined) {
      this.#attempt.abort("closed");
    } else {
      this.#response.close(true);
    }
  }
}
