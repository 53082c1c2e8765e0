/**
 * `stream.partialObjects()`: the snapshots of a structured answer's JSON while it arrives, read
 * from the stream's chunks (choice 0) with `parsePartialJson`.
 */
import type { ModelResponseStream } from "../types.js";
import type { DeepPartial } from "./deep-partial.js";

const DONE: IteratorReturnResult<undefined> = Object.freeze({ done: true, value: undefined });

/**
 * The snapshots of choice 0's JSON, read from `chunks`, each yielded when it differs from the
 * last. The whole text so far is read again at each chunk (as the AI SDK does): its cost grows
 * with the square of the answer's length, and is paid only by a stream that asks for snapshots.
 *
 * By hand rather than an async generator: a generator's `return()` before its first `next()`
 * would not run its body, and so would not close the stream.
 */
export function readPartialObjects<T>(
  chunks: AsyncIterator<ModelResponseStream>,
  /** Drops the `null`s strict mode sent for optional keys, as `final()` does. */
  restore: (value: unknown) => unknown,
): AsyncIterableIterator<DeepPartial<T>> {
  // Loaded with the first snapshot asked for: a process that never asks does not evaluate
  // partial-json (bundled, but run only when imported).
  let parse: ((text: string) => unknown) | undefined;
  let text = "";
  // Cheaper than a deep comparison of the last snapshot, and exact for JSON's values.
  let last: string | undefined;
  return {
    async next(): Promise<IteratorResult<DeepPartial<T>>> {
      for (;;) {
        const step = await chunks.next();
        if (step.done === true) return DONE;
        const piece = contentOfChoice0(step.value);
        if (piece === undefined || piece === null || piece === "") continue;
        text += piece;
        parse ??= (await import("./parse-partial-json.js")).parsePartialJson;
        const read = parse(text);
        if (read === undefined) continue;
        const snapshot = restore(read);
        const seen = JSON.stringify(snapshot);
        if (seen === last) continue;
        last = seen;
        return { done: false, value: snapshot as DeepPartial<T> };
      }
    },
    async return(): Promise<IteratorResult<DeepPartial<T>>> {
      await chunks.return?.();
      return DONE;
    },
    [Symbol.asyncIterator]() {
      return this;
    },
  };
}

function contentOfChoice0(chunk: ModelResponseStream): string | null | undefined {
  for (const choice of chunk.choices) if (choice.index === 0) return choice.delta.content;
  return undefined;
}
