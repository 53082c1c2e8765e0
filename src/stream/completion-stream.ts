/**
 * `CompletionStream`: the chunks of a streamed completion as an async iterable that can be
 * iterated once, closes its connection when the loop is left, and can be aborted.
 */

import { APIError, LLMError } from "../errors/errors.js";
import type { HiddenParams, ModelResponseStream } from "../types.js";
import type { ChunkSource } from "./chunk-reader.js";

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
  #firstError: unknown;
  #iterated = false;
  #finished = false;
  #onFinish: (() => void) | undefined;

  /** @internal Made by `completion()`; users do not construct streams. */
  constructor(
    source: ChunkSource,
    first: ModelResponseStream | undefined,
    firstError: unknown,
    hidden: HiddenParams,
    onFinish?: () => void,
  ) {
    this.#source = source;
    this.#first = first;
    this.#firstError = firstError;
    this.#onFinish = onFinish;
    Object.defineProperty(this, "_hidden_params", { value: hidden, enumerable: false });
  }

  /**
   * Stops the stream and closes its connection at once. An iteration under way ends quietly
   * (no error), as does any iteration after.
   */
  abort(): void {
    this.#first = undefined;
    this.#firstError = undefined;
    this.#finish(true);
  }

  /** An API error thrown from the iterator counts the requests the call made, as any other. */
  #withAttempts(error: unknown): unknown {
    if (error instanceof APIError && error.attempts === 0)
      error.attempts = this._hidden_params.attempts;
    return error;
  }

  #finish(early: boolean): void {
    if (this.#finished) return;
    this.#finished = true;
    this.#source.close(early);
    this.#onFinish?.();
    this.#onFinish = undefined;
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
        return { done: false, value: first };
      }
      if (this.#firstError !== undefined) {
        const error = this.#firstError;
        this.#firstError = undefined;
        this.#finish(false);
        throw this.#withAttempts(error);
      }
      if (this.#finished) return DONE;
      const ready = this.#source.takeQueued?.();
      if (ready !== undefined) return { done: false, value: ready };
      let chunk: ModelResponseStream | undefined;
      try {
        chunk = await this.#source.next();
      } catch (error) {
        this.#finish(true);
        throw this.#withAttempts(error);
      }
      if (chunk === undefined) {
        this.#finish(false);
        return DONE;
      }
      return { done: false, value: chunk };
    };
    return {
      next,
      return: async (): Promise<IteratorResult<ModelResponseStream>> => {
        this.#first = undefined;
        this.#finish(true);
        return DONE;
      },
    };
  }
}
