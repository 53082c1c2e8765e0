/**
 * Sends one call: its attempts (`attempt.ts`), retried by the rules of `retry.ts`, each aborted at
 * once by the caller's signal; the answer comes back with the facts of the call.
 */
import { requestIdOf } from "../errors/create-error.js";
import type { HiddenParams } from "../types.js";
import { Attempt, runAttempt } from "./attempt.js";
import { onAbort } from "./on-abort.js";
import type { PreparedRequest } from "./prepare-request.js";
import type { ResolvedCall } from "./resolved-call.js";
import { withRetries } from "./retry.js";
import type { HttpResponse } from "./transport/transport.js";

/** What `send` hands back: the value read from the answer, and facts about the call. */
export interface SendResult<T> {
  value: T;
  /** The attempt that answered; a stream keeps reading from its response. */
  attempt: Attempt;
  hidden: HiddenParams;
}

/**
 * Sends `request` for `call`, retrying as the rules say, and returns what `read` makes of the
 * first 2xx answer (see `runAttempt`). `what` names what did not come in time, for a timeout's
 * message ("no answer came").
 */
export async function send<T>(
  call: ResolvedCall,
  request: PreparedRequest,
  read: (response: HttpResponse, attempt: Attempt) => Promise<T>,
  what: string,
): Promise<SendResult<T>> {
  const signal = call.signal;
  signal?.throwIfAborted();
  const startedAt = performance.now();
  let current: Attempt | undefined;
  const unsubscribe =
    signal === undefined
      ? undefined
      : onAbort(signal, () => current?.abort("caller", signal.reason));

  const attemptOnce = async (number: number): Promise<SendResult<T>> => {
    const attempt = new Attempt(call, number);
    current = attempt;
    const value = await runAttempt(attempt, call, request, read, what);
    const headers = attempt.response?.headers ?? {};
    return {
      value,
      attempt,
      hidden: {
        provider: call.context.provider,
        apiBase: call.apiBase,
        requestId: requestIdOf(headers),
        responseMs: performance.now() - startedAt,
        attempts: number,
        headers,
      },
    };
  };

  try {
    return await withRetries(attemptOnce, call.maxRetries, signal, call.onRetry);
  } finally {
    unsubscribe?.();
  }
}
