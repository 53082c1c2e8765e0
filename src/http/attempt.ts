/**
 * One HTTP request of a call, from send to the value read from its answer: bounded by `timeout`,
 * aborted by the caller's signal, and every failure turned into what the caller should see.
 *
 * The vocabulary: an attempt is *aborted* (llmux or the caller wants it stopped now, and says
 * why); a response is *closed* (released: at once, or once the rest of its body has come).
 */
import {
  createConnectionError,
  createStatusError,
  createTimeoutError,
  createTooLargeError,
  type ErrorContext,
} from "../errors/create-error.js";
import { LLMError } from "../errors/errors.js";
import type { PreparedRequest } from "./prepare-request.js";
import type { ResolvedCall } from "./resolved-call.js";
import { AbortHandle } from "./transport/abort-handle.js";
import { type HttpResponse, ResponseTooLargeError } from "./transport/transport.js";

/** setTimeout fires at once for delays past 2^31 - 1 ms; longer limits are no limit. */
export const MAX_TIMER_MS = 2_147_483_647;

/**
 * Why an attempt was aborted: its `timeout`, the caller's signal, a stream's idle timeout, or the
 * stream closed by its user (`break`, `stream.abort()`).
 */
export type AbortCause = "timeout" | "caller" | "idle" | "closed";

/** One HTTP request of a call. */
export class Attempt {
  /** 1 for the first request of the call. */
  readonly number: number;
  /** For the errors of this attempt: they count the requests made so far. */
  readonly context: ErrorContext;
  /** What the transport listens to. */
  readonly abortHandle = new AbortHandle();
  /** Set before llmux aborts the attempt, so that the failure it causes can be named. */
  abortedBy: AbortCause | undefined = undefined;
  response: HttpResponse | undefined = undefined;

  constructor(call: ResolvedCall, number: number) {
    this.number = number;
    this.context = { ...call.context, attempts: number };
  }

  /** Stops the attempt now, closing its connection; the first cause given is the one kept. */
  abort(by: AbortCause, reason?: unknown): void {
    this.abortedBy ??= by;
    this.abortHandle.abort(reason);
    this.response?.close(true);
  }
}

function abortOnTimeout(attempt: Attempt): void {
  attempt.abort("timeout");
}

/**
 * Runs `attempt`: sends `request`, turns a non-2xx answer into its error, and returns what `read`
 * makes of a 2xx one. `read` runs under the attempt's timeout: for a stream it reads up to the
 * first chunk, and the connection then stays open with the attempt.
 */
export async function runAttempt<T>(
  attempt: Attempt,
  call: ResolvedCall,
  request: PreparedRequest,
  read: (response: HttpResponse, attempt: Attempt) => Promise<T>,
  what: string,
): Promise<T> {
  const timeout = call.timeout;
  const timer = timeout <= MAX_TIMER_MS ? setTimeout(abortOnTimeout, timeout, attempt) : undefined;
  try {
    const response = await call.transport({
      method: request.method,
      url: request.url,
      headers: request.headers,
      body: request.body,
      abort: attempt.abortHandle,
    });
    attempt.response = response;
    if (response.status < 200 || response.status > 299) {
      const text = await response.text(call.maxResponseBytes);
      throw createStatusError(attempt.context, response.status, response.headers, text);
    }
    return await read(response, attempt);
  } catch (error) {
    attempt.response?.close(true);
    throw toAttemptError(error, attempt, call, what);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Turns whatever an attempt threw into what the caller should see: the signal's own reason for
 * the caller's abort, a `TimeoutError` for the timeout, an `APIError` for a body past
 * `maxResponseBytes`, an `APIConnectionError` for anything else that is not an `LLMError` yet.
 */
export function toAttemptError(
  error: unknown,
  attempt: Attempt,
  call: ResolvedCall,
  what: string,
): unknown {
  if (attempt.abortedBy === "caller") return call.signal?.reason ?? error;
  if (attempt.abortedBy === "timeout")
    return createTimeoutError(attempt.context, what, call.timeout);
  if (error instanceof LLMError) return error;
  if (error instanceof ResponseTooLargeError) {
    const response = attempt.response;
    return createTooLargeError(
      attempt.context,
      error.limit,
      response?.status ?? 0,
      response?.headers ?? {},
    );
  }
  return createConnectionError(attempt.context, error);
}
