import type { ModelResponseStream } from "../types.js";

/**
 * Sees what a stream does, for llmux's own bookkeeping (the Router counts a stream's tokens,
 * latency and failure against its deployment when the stream ends, not when it opens).
 */
export interface StreamObserver {
  /** Each chunk, as it is handed to the loop. */
  onChunk?(chunk: ModelResponseStream): void;
  /**
   * Once, when the stream ends however it ends: `error` is what was thrown from the iterator
   * (undefined when none); `early` when it was left, or aborted, before its end.
   */
  onEnd(error: unknown, early: boolean): void;
}
