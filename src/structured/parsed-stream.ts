/**
 * A stream with `responseFormat`: its chunks as usual, snapshots of the answer's object while
 * its JSON arrives through `stream.partialObjects()`, and, once it has ended, the answer rebuilt
 * from the chunks (`streamChunkBuilder`) with `message.parsed`, through `stream.final()`.
 */
import type * as Zod from "zod";
import { LLMError } from "../errors/errors.js";
import type { CompletionStream } from "../stream/completion-stream.js";
import { streamChunkBuilder } from "../stream/stream-chunk-builder.js";
import type { StreamObserver } from "../stream/stream-observer.js";
import type { ModelResponseStream, ParsedModelResponse } from "../types.js";
import type { DeepPartial } from "./deep-partial.js";
import { parseCompletion } from "./parse-completion.js";
import { readPartialObjects } from "./partial-objects.js";
import { restoreOmitted } from "./restore-omitted.js";
import type { SchemaRuntime } from "./schema-runtime.js";

/**
 * The stream of a `completion({ stream: true, responseFormat })` call: a `CompletionStream`
 * (read it once: a loop over its chunks, or `partialObjects()`) with `final()`.
 */
export interface ParsedCompletionStream<T, Input = T> extends CompletionStream {
  /**
   * Snapshots of the answer's object as its JSON arrives (choice 0): each a `DeepPartial` of the
   * schema's input (the JSON's shape), a new object, yielded after a chunk that changes it. It reads the stream itself, in place of a
   * loop over the chunks: call it once, on a stream not yet read; leaving its loop early closes
   * the stream (then `final()` rejects). It throws what the stream throws.
   *
   * A snapshot is the JSON as it has arrived, neither checked by the schema nor transformed:
   * strings may be cut short (an enum's value too), a number appears once complete, arrays and
   * objects grow; an optional field the model writes `null` for (strict mode sends optional
   * fields as nullable) is left out, as in `final()` (inside a union's options, only in
   * `final()`: which option a partial object is, is not known yet). Zod's check, transforms and
   * defaults apply only in `final()`, which resolves once the loop has ended. An OpenAI refusal
   * yields no snapshot; a `content_filter` stop ends them where it came (`final()` then gives
   * `parsed: null`).
   *
   * @throws {LLMError} when the stream was already read (a loop, `partialObjects()`, `final()`).
   * @example
   * const stream = await completion({ model, messages, stream: true, responseFormat: Recipe });
   * for await (const recipe of stream.partialObjects()) render(recipe.title, recipe.steps ?? []);
   * const { parsed } = (await stream.final()).choices[0]!.message;
   */
  partialObjects(): AsyncIterableIterator<DeepPartial<Input>>;
  /**
   * The whole answer, rebuilt from the chunks, with `choices[i].message.parsed`: resolves when
   * the stream ends. Called before any loop over the stream, it reads the stream itself (then
   * the stream cannot be iterated). Rejects with the stream's error, with an `OutputParseError`
   * when the answer does not parse, and with an `LLMError` when the stream was left or aborted
   * before its end. The same promise on every call.
   *
   * @example
   * const stream = await completion({ model, messages, stream: true, responseFormat: Answer });
   * for await (const chunk of stream) process.stdout.write(chunk.choices[0]?.delta.content ?? "");
   * const { parsed } = (await stream.final()).choices[0]!.message;
   */
  final(): Promise<ParsedModelResponse<T>>;
}

/** The observer that collects a stream's chunks for `final()`, and the promise it settles. */
export interface ParsedStreamCollector<T> {
  observer: StreamObserver;
  /** Gives the opened stream its `partialObjects()` and `final()`. */
  attach(stream: CompletionStream): ParsedCompletionStream<T>;
}

/**
 * Collects the chunks of a stream (each is kept until the end, as `streamChunkBuilder` needs)
 * and parses the rebuilt answer when it ends; `inner` (the Router's) still sees everything.
 */
export function createParsedStreamCollector<T>(
  schema: Zod.core.$ZodType,
  runtime: SchemaRuntime,
  model: string,
  inner: StreamObserver | undefined,
): ParsedStreamCollector<T> {
  const chunks: ModelResponseStream[] = [];
  let resolve: (response: ParsedModelResponse<T>) => void = () => {};
  let reject: (error: unknown) => void = () => {};
  const done = new Promise<ParsedModelResponse<T>>((onResolve, onReject) => {
    resolve = onResolve;
    reject = onReject;
  });
  // A stream whose `final()` nobody asks for must not leave an unhandled rejection behind.
  done.catch(() => {});
  let stream: CompletionStream | undefined;

  const observer: StreamObserver = {
    onChunk(chunk) {
      chunks.push(chunk);
      inner?.onChunk?.(chunk);
    },
    onEnd(error, early) {
      inner?.onEnd(error, early);
      if (error !== undefined) return reject(error);
      if (early) {
        return reject(
          new LLMError(
            "llmux: the stream was left or aborted before its end, so there is no whole answer to parse.",
          ),
        );
      }
      try {
        const response = streamChunkBuilder(chunks);
        if (stream !== undefined) {
          Object.defineProperty(response, "_hidden_params", { value: stream._hidden_params });
        }
        resolve(parseCompletion<T>(response, schema, runtime, model));
      } catch (parseError) {
        reject(parseError);
      }
    },
  };

  return {
    observer,
    attach(opened) {
      stream = opened;
      let iterated = false;
      const iterate = opened[Symbol.asyncIterator].bind(opened);
      Object.defineProperty(opened, Symbol.asyncIterator, {
        value: () => {
          iterated = true;
          return iterate();
        },
      });
      Object.defineProperty(opened, "partialObjects", {
        value: () => {
          if (iterated) {
            throw new LLMError(
              "llmux: this stream was already read (by a loop over it, partialObjects() or final()); a stream can be read once. Call partialObjects() in place of the loop, before final().",
            );
          }
          const restore = (value: unknown) => restoreOmitted(schema, value, runtime, false);
          return readPartialObjects<T>(opened[Symbol.asyncIterator](), restore);
        },
      });
      Object.defineProperty(opened, "final", {
        value: () => {
          if (!iterated) void drain(opened);
          return done;
        },
      });
      return opened as ParsedCompletionStream<T>;
    },
  };
}

/** Reads a stream to its end; what it throws reaches `final()` through the observer. */
async function drain(stream: CompletionStream): Promise<void> {
  try {
    for await (const _ of stream);
  } catch {
    // Reported by `onEnd`.
  }
}
