/**
 * Runs one call with its events: `onStart`, then `onSuccess` with its answer or `onFailure`
 * with its error, and its span. A stream's success comes when it ends, through
 * `CallTracker.observeStream`. Shared by `completion()`, `embedding()`, `imageGeneration()` and
 * the Router (which reports each routed call once, across its deployments).
 */
import { CompletionStream } from "../stream/completion-stream.js";
import { CallTracker } from "./call-tracker.js";
import { type CallbackHandler, handlersFor } from "./callbacks.js";
import { telemetryFor } from "./telemetry.js";

/**
 * Runs `run` with a tracker, or with none (no event built, no closure, no clock read) when the
 * call has no handlers (its own, `perRouter`'s, the process's) and no telemetry: the common
 * case, checked first.
 */
export async function trackCall<T>(
  callType: string,
  params: unknown,
  perRouter: readonly CallbackHandler[] | undefined,
  run: (tracker: CallTracker | undefined) => Promise<T>,
): Promise<T> {
  const callbacks = (params as { callbacks?: unknown } | null | undefined)?.callbacks;
  const handlers = handlersFor(callbacks, perRouter);
  const pending = telemetryFor(params, callType);
  const telemetry = pending === undefined ? undefined : await pending;
  if (handlers === undefined && telemetry === undefined) return run(undefined);
  const tracker = new CallTracker(handlers ?? [], callType, params, telemetry);
  tracker.start();
  try {
    const answer = await tracker.within(() => run(tracker));
    if (!(answer instanceof CompletionStream)) tracker.succeed(answer as object);
    return answer;
  } catch (error) {
    tracker.fail(error);
    throw error;
  }
}
