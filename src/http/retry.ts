/**
 * The retry loop: p-retry runs it (from the second attempt on), `retry-delay.ts` says how long to
 * wait, the error's class has decided `isRetryable`, and the caller's abort ends it at once.
 */
import { LLMError } from "../errors/errors.js";
import { onAbort } from "./on-abort.js";
import { retryDelayMs } from "./retry-delay.js";

/** Waits `ms`, or rejects with the signal's reason as soon as it aborts. */
export function sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(signal.reason);
      return;
    }
    const unsubscribe =
      signal === undefined
        ? undefined
        : onAbort(signal, () => {
            clearTimeout(timer);
            reject(signal.reason);
          });
    const timer = setTimeout(() => {
      unsubscribe?.();
      resolve();
    }, ms);
  });
}

/**
 * Whether to retry after `error`, the failure of retry number `retryIndex` - 1 (0: the first
 * attempt failed); waits the delay first. False when the error is not retryable or the server
 * asked for a wait longer than {@link MAX_SERVER_DELAY_MS}.
 */
async function retryAfterWait(
  error: unknown,
  retryIndex: number,
  signal: AbortSignal | undefined,
): Promise<boolean> {
  if (!(error instanceof LLMError) || !error.isRetryable) return false;
  if (signal?.aborted) return false;
  const delay = retryDelayMs(error, retryIndex);
  if (delay === undefined) return false;
  if (delay > 0) await sleep(delay, signal);
  return true;
}

/**
 * Runs `attempt` up to `1 + maxRetries` times while it fails with a retryable `LLMError`,
 * waiting between attempts as the server asks or with backoff. The caller's abort ends it at once
 * with the signal's reason.
 *
 * The first attempt runs outside p-retry, which is loaded and entered only once it has failed: a
 * call that succeeds at once (nearly all of them) pays nothing for the retry machinery.
 */
export async function withRetries<T>(
  attempt: (attemptNumber: number) => Promise<T>,
  maxRetries: number,
  signal: AbortSignal | undefined,
  onRetry?: (error: unknown, attempts: number) => void,
): Promise<T> {
  try {
    return await attempt(1);
  } catch (error) {
    if (signal?.aborted) throw signal.reason;
    if (
      maxRetries === 0 ||
      !(await retryAfterWait(error, 0, signal).catch(rethrowReason(signal)))
    ) {
      throw error;
    }
    onRetry?.(error, 1);
  }
  try {
    // Loaded on the first retry: a process whose calls all succeed never loads it.
    const { default: pRetry } = await import("p-retry");
    return await pRetry((attemptNumber) => attempt(attemptNumber + 1), {
      retries: maxRetries - 1,
      minTimeout: 0,
      ...(signal === undefined ? {} : { signal }),
      shouldRetry: async ({ error, retriesConsumed }) => {
        const again = await retryAfterWait(error, retriesConsumed + 1, signal);
        if (again) onRetry?.(error, retriesConsumed + 2);
        return again;
      },
    });
  } catch (error) {
    // p-retry wraps a thrown non-Error; the caller must get the signal's reason, the very object.
    throw signal?.aborted ? signal.reason : error;
  }
}

function rethrowReason(signal: AbortSignal | undefined) {
  return (error: unknown): never => {
    throw signal?.aborted ? signal.reason : error;
  };
}
