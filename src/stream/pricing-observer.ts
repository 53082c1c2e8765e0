/**
 * A stream's cost, set on its `_hidden_params.responseCost` when it ends, from the usage chunk it
 * carried (where the model's price is known): what a non-streamed answer has from the start.
 */
import { completionCost } from "../observability/completion-cost.js";
import type { HiddenParams, ModelResponseStream, Usage } from "../types.js";
import type { StreamObserver } from "./stream-observer.js";

/** An observer that prices the stream at its end, then hands each event on to `next`. */
export function createPricingObserver(
  model: string,
  hidden: HiddenParams,
  next: StreamObserver | undefined,
): StreamObserver {
  let usage: Usage | undefined;
  return {
    onChunk(chunk: ModelResponseStream) {
      if (chunk.usage != null) usage = chunk.usage;
      next?.onChunk?.(chunk);
    },
    onEnd(error, early) {
      if (usage !== undefined) {
        const cost = completionCost(usage, model);
        if (cost !== undefined) hidden.responseCost = cost;
      }
      next?.onEnd(error, early);
    },
  };
}
