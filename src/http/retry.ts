/**
 * When and how long to wait between attempts. p-retry runs the loop; this module decides, from
 * the error (its class decided `isRetryable`) and the server's headers, how long to wait.
 */

import { APIError, LLMError } from "../errors/errors.js";
import { onAbort } from "./on-abort.js";

/** A server may ask for a wait up to this long; a longer one is not waited for. */
export const MAX_SERVER_DELAY_MS = 60_000;
const INITIAL_DELAY_MS = 500;
const MAX_BACKOFF_MS = 8_000;

/**
 * The delay the server asked for: `retry-after-ms`, else `retry-after` in seconds or as an HTTP
 * date. Undefined when it asked for none (or sent something unreadable).
 */
export function serverDelayMs(
  headers: Record<string, string> | undefined,
  now = Date.now(),
): number | undefined {
  if (headers === undefined) return undefined;
  const milliseconds = headers["retry-after-ms"];
  if (milliseconds !== undefined) {
    const value = Number.parseFloat(milliseconds);
    if (Number.isFinite(value) && value >= 0) return value;
  }
  const retryAfter = headers["retry-after"];
  if (retryAfter !== undefined) {
    const trimmed = retryAfter.trim();
    if (/^\d+(\.\d+)?$/.test(trimmed)) return Number.parseFloat(trimmed) * 1000;
    const date = Date.parse(trimmed);
    if (Number.isFinite(date)) return Math.max(0, date - now);
  }
  return undefined;
}

/** 0.5 s x 2^n, capped at 8 s, less up to 25 % jitter so that clients spread out. */
export function backoffMs(retryIndex: number, random = Math.random()): number {
  const base = Math.min(INITIAL_DELAY_MS * 2 ** retryIndex, MAX_BACKOFF_MS);
  return base * (1 - 0.25 * random);
}

/**
 * How long to wait before retry number `retryIndex` (0 for the first retry); undefined when the
 * server asked for longer than {@link MAX_SERVER_DELAY_MS}, so that the error is thrown at once.
 */
export function retryDelayMs(error: unknown, retryIndex: number): number | undefined {
  const requested = error instanceof APIError ? serverDelayMs(error.headers) : undefined;
  if (requested === undefined) return backoffMs(retryIndex);
  return requested > MAX_SERVER_DELAY_MS ? undefined : requested;
}

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
  }
  try {
    // Loaded on the first retry: a process whose calls all succeed never loads it.
    const { default: pRetry } = await import("p-retry");
    return await pRetry((attemptNumber) => attempt(attemptNumber + 1), {
      retries: maxRetries - 1,
      minTimeout: 0,
      ...(signal === undefined ? {} : { signal }),
      shouldRetry: ({ error, retriesConsumed }) =>
        retryAfterWait(error, retriesConsumed + 1, signal),
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
