/**
 * Sends one call over HTTP: the request built by the provider adapter, attempts bounded by
 * `timeout`, retried by the rules of `retry.ts`, aborted at once by the caller's signal, and
 * every failure turned into an `LLMError`.
 */

import { attachHiddenParams } from "../calls/hidden-params.js";
import {
  createConnectionError,
  createEventError,
  createInvalidBodyError,
  createStatusError,
  where,
} from "../errors/create-error.js";
import { APIError, LLMError, TimeoutError } from "../errors/errors.js";
import type { ResolvedCall } from "../params/resolve-call.js";
import type { Endpoint } from "../providers/provider.js";
import type { HiddenParams } from "../types.js";
import { VERSION } from "../version.js";
import { onAbort } from "./on-abort.js";
import { withRetries } from "./retry.js";
import { AbortHandle } from "./transport/abort-handle.js";
import type { HttpRequest, HttpResponse } from "./transport/transport.js";

const USER_AGENT = `llmux/${VERSION}`;

/** setTimeout fires at once for delays past 2^31 - 1 ms; longer limits are no limit. */
const MAX_TIMER_MS = 2_147_483_647;

/** One HTTP request of a call, and why llmux stopped it, if it did. */
export interface Attempt {
  readonly abort: AbortHandle;
  /**
   * Set before llmux aborts the attempt, so that the failure it causes can be named: the
   * attempt's `timeout`, the caller's signal, a stream's idle timeout, or the stream closed by
   * its user (`break`, `stream.abort()`).
   */
  stoppedBy: StopReason | undefined;
  response: HttpResponse | undefined;
}

/** Why llmux stopped an attempt. */
export type StopReason = "timeout" | "caller" | "idle" | "closed";

/** The request of a call, without the abort handle each attempt adds. */
export type PreparedRequest = Omit<HttpRequest, "abort">;

/** Builds the HTTP request of a call through its adapter, adding `user-agent` and `extraHeaders`. */
export function prepareRequest(
  call: ResolvedCall,
  endpoint: Endpoint,
  body: Record<string, unknown> | undefined,
): PreparedRequest {
  const request = call.adapter.doBuildRequest({
    endpoint,
    model: call.model,
    apiBase: call.apiBase,
    apiKey: call.apiKey,
    body,
  });
  const headers = request.headers;
  headers["user-agent"] = USER_AGENT;
  if (call.extraHeaders !== undefined) Object.assign(headers, call.extraHeaders);
  return {
    method: request.method,
    url: request.url,
    headers,
    body: request.body === undefined ? undefined : JSON.stringify(request.body),
  };
}

/** What `send` hands back: the value read from the answer, and facts about the call. */
export interface SendResult<T> {
  value: T;
  attempt: Attempt;
  hidden: HiddenParams;
}

/** Aborts an attempt on llmux's behalf, closing its connection. */
export function stopAttempt(attempt: Attempt, by: StopReason, reason?: unknown): void {
  attempt.stoppedBy ??= by;
  attempt.abort.abort(reason);
  attempt.response?.destroy();
}

/** Turns whatever an attempt threw into what the caller should see. */
export function toCallError(
  error: unknown,
  attempt: Attempt,
  call: ResolvedCall,
  what: string,
): unknown {
  if (attempt.stoppedBy === "caller") return call.signal?.reason ?? error;
  if (attempt.stoppedBy === "timeout") {
    return new TimeoutError(
      `${where(call.context)}: ${what} within the ${call.timeout} ms timeout. Raise \`timeout\` for long generations.`,
      { provider: call.context.provider, model: call.model },
    );
  }
  if (error instanceof LLMError) return error;
  return createConnectionError(call.context, error);
}

/**
 * Sends `request` for `call`, retrying as the rules say, and returns what `read` makes of the
 * first 2xx answer. `read` runs inside the attempt, under its timeout: for a stream it reads up
 * to the first chunk, and the connection then stays open with the returned `attempt`.
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
  let attempts = 0;
  let current: Attempt | undefined;
  const unsubscribe =
    signal === undefined
      ? undefined
      : onAbort(signal, () => {
          if (current !== undefined) stopAttempt(current, "caller", signal.reason);
        });
  const timeout = call.timeout;

  const runAttempt = async (attemptNumber: number): Promise<{ value: T; attempt: Attempt }> => {
    attempts = attemptNumber;
    const attempt: Attempt = {
      abort: new AbortHandle(),
      stoppedBy: undefined,
      response: undefined,
    };
    current = attempt;
    const timer =
      timeout <= MAX_TIMER_MS ? setTimeout(stopAttempt, timeout, attempt, "timeout") : undefined;
    try {
      const response = await call.transport({
        method: request.method,
        url: request.url,
        headers: request.headers,
        body: request.body,
        abort: attempt.abort,
      });
      attempt.response = response;
      if (response.status < 200 || response.status > 299) {
        const text = await response.text();
        throw createStatusError(call.context, response.status, response.headers, text);
      }
      const value = await read(response, attempt);
      return { value, attempt };
    } catch (error) {
      attempt.response?.destroy();
      throw toCallError(error, attempt, call, what);
    } finally {
      clearTimeout(timer);
    }
  };

  try {
    const { value, attempt } = await withRetries(runAttempt, call.maxRetries, signal);
    const headers = attempt.response?.headers ?? {};
    return {
      value,
      attempt,
      hidden: {
        provider: call.context.provider,
        apiBase: call.apiBase,
        requestId: headers["x-request-id"],
        responseMs: performance.now() - startedAt,
        attempts,
        headers,
      },
    };
  } catch (error) {
    if (error instanceof APIError) error.attempts = attempts;
    throw error;
  } finally {
    unsubscribe?.();
  }
}

/**
 * Reads a 2xx body as the JSON object `isExpected` accepts. An `{ "error": ... }` body is thrown
 * as its error class; anything else unexpected is an `APIError` with an excerpt of the body.
 */
export async function readJsonBody(
  response: HttpResponse,
  call: ResolvedCall,
  isExpected: (json: Record<string, unknown>) => boolean,
  what: string,
): Promise<Record<string, unknown>> {
  const text = await response.text();
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw createInvalidBodyError(
      call.context,
      response.status,
      response.headers,
      text,
      "JSON",
      error,
    );
  }
  if (json !== null && typeof json === "object" && !Array.isArray(json)) {
    const record = json as Record<string, unknown>;
    if (isExpected(record)) return record;
    if (record.error !== undefined && record.error !== null) {
      throw createEventError(
        call.context,
        record,
        response.headers,
        response.headers["x-request-id"],
      );
    }
  }
  throw createInvalidBodyError(call.context, response.status, response.headers, text, what);
}

/**
 * Sends a call whose answer is one JSON object (a chat completion, an embedding list, an image
 * list, a model list), maps it through the adapter and attaches `_hidden_params`.
 */
export async function sendJson(
  call: ResolvedCall,
  endpoint: Endpoint,
  body: Record<string, unknown> | undefined,
  isExpected: (json: Record<string, unknown>) => boolean,
  what: string,
): Promise<Record<string, unknown>> {
  const { value, hidden } = await send(
    call,
    prepareRequest(call, endpoint, body),
    (response) => readJsonBody(response, call, isExpected, what),
    "no answer came",
  );
  return attachHiddenParams(call.adapter.doMapResponse(endpoint, value), hidden);
}
