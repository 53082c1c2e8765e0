/**
 * `CompletionStream`: the chunks of a streamed completion as an async iterable that can be
 * iterated once, closes its connection when the loop is left, and can be aborted.
 */

import { LLMError } from "../errors/errors.js";
import type { HiddenParams, ModelResponseStream } from "../types.js";
import type { ChunkSource } from "./chunk-reader.js";
import type { StreamObserver } from "./stream-observer.js";

const DONE: IteratorReturnResult<undefined> = Object.freeze({ done: true, value: undefined });

/**
 * The chunks of a streamed completion, OpenAI's `chat.completion.chunk` objects, yielded as they
 * arrive. Iterate it once with `for await`; leaving the loop early closes the connection.
 *
 * @example
 * const stream = await completion({ model: "cometapi/gpt-5", messages, stream: true });
 * for await (const chunk of stream) process.stdout.write(chunk.choices[0]?.delta.content ?? "");
 */
export class CompletionStream implements AsyncIterable<ModelResponseStream> {
  /** Facts about the call: provider, apiBase, requestId, attempts, headers, responseMs (to the first chunk). */
  declare readonly _hidden_params: HiddenParams;
  readonly #source: ChunkSource;
  #first: ModelResponseStream | undefined;
  #iterated = false;
  #closed = false;
  #onClose: (() => void) | undefined;
  readonly #observer: StreamObserver | undefined;

  /**
   * @internal Made by `completion()`; users do not construct streams. `first` is the chunk read
   * while opening the stream; `onClose` runs once when the stream ends, however it ends; the
   * `observer` sees each chunk and the end.
   */
  constructor(
    source: ChunkSource,
    first: ModelResponseStream | undefined,
    hidden: HiddenParams,
    onClose?: () => void,
    observer?: StreamObserver,
  ) {
    this.#source = source;
    this.#first = first;
    this.#onClose = onClose;
    this.#observer = observer;
    Object.defineProperty(this, "_hidden_params", { value: hidden, enumerable: false });
  }

  /**
   * Stops the stream and closes its connection at once. An iteration under way ends quietly
   * (no error), as does any iteration after.
   */
  abort(): void {
    this.#first = undefined;
    this.#close(true);
  }

  #close(early: boolean, error?: unknown): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#source.close(early);
    this.#onClose?.();
    this.#onClose = undefined;
    this.#observer?.onEnd(error, early);
  }

  #yield(chunk: ModelResponseStream): IteratorResult<ModelResponseStream> {
    this.#observer?.onChunk?.(chunk);
    return { done: false, value: chunk };
  }

  [Symbol.asyncIterator](): AsyncIterator<ModelResponseStream> {
    if (this.#iterated) {
      throw new LLMError(
        "llmux: this CompletionStream was already iterated; a stream can be read once. Collect the chunks (or use streamChunkBuilder) to read them again.",
      );
    }
    this.#iterated = true;
    const next = async (): Promise<IteratorResult<ModelResponseStream>> => {
      const first = this.#first;
      if (first !== undefined) {
        this.#first = undefined;
        return this.#yield(first);
      }
      if (this.#closed) return DONE;
      const ready = this.#source.takeQueued?.();
      if (ready !== undefined) return this.#yield(ready);
      let chunk: ModelResponseStream | undefined;
      try {
        chunk = await this.#source.next();
      } catch (error) {
        this.#close(true, error);
        throw error;
      }
      if (chunk === undefined) {
        this.#close(false);
        return DONE;
      }
      return this.#yield(chunk);
    };
    return {
      next,
      return: async (): Promise<IteratorResult<ModelResponseStream>> => {
        this.#first = undefined;
        this.#close(true);
        return DONE;
      },
    };
  }
}
