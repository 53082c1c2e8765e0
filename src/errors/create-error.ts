/**
 * Builds the error a user sees from what went wrong: a non-2xx answer, an error object inside a
 * 200 or a stream, a failed connection, a body that is not the JSON expected. Messages name the
 * provider/model, the status, the server's own message and the request id; the key is redacted.
 */
import { type APIErrorClass, errorClassForStatus } from "./error-class-for-status.js";
import {
  APIConnectionError,
  APIError,
  type APIErrorOptions,
  isRetryableStatus,
  TimeoutError,
} from "./errors.js";
import {
  excerptOf,
  type ProviderErrorFields,
  readProviderError,
  STATUS_OF_TYPE,
  stripBOM,
} from "./read-provider-error.js";
import { redactString, redactValue } from "./redact.js";

/** What llmux knows about the call when an error happens. */
export interface ErrorContext {
  readonly provider: string;
  readonly model: string;
  /** Replaced by `[REDACTED]` wherever it would appear. */
  readonly apiKey: string | undefined;
  /** Requests made so far, this one included (0 before any). */
  readonly attempts: number;
}

/** The fields of an error besides its message, before redaction. */
type ErrorFields = Omit<APIErrorOptions, "provider" | "model" | "attempts">;

/**
 * Makes every error of a call: provider, model and attempts from the context, and the key
 * redacted from the message and from every field and cause, in this one place.
 */
function makeError(
  ErrorClass: APIErrorClass,
  context: ErrorContext,
  message: string,
  fields: ErrorFields,
): APIError {
  const apiKey = context.apiKey;
  return new ErrorClass(redactString(message, apiKey), {
    provider: context.provider,
    model: context.model,
    attempts: context.attempts,
    status: fields.status,
    code: redactValue(fields.code, apiKey),
    type: redactValue(fields.type, apiKey),
    param: redactValue(fields.param, apiKey),
    requestId: redactValue(fields.requestId, apiKey),
    headers: fields.headers === undefined ? undefined : redactValue(fields.headers, apiKey),
    body: redactValue(fields.body, apiKey),
    cause: redactValue(fields.cause, apiKey),
    excerpt: redactValue(fields.excerpt, apiKey),
    isRetryable: fields.isRetryable,
  });
}

/** The answer's request id: `x-request-id` (OpenAI and most), else `request-id` (Anthropic). */
export function requestIdOf(headers: Record<string, string>): string | undefined {
  return headers["x-request-id"] ?? headers["request-id"];
}

/** ` (request id X)`, or nothing. */
function requestIdSuffix(requestId: string | undefined): string {
  return requestId ? ` (request id ${requestId})` : "";
}

/** Where the error happened, for the start of a message: `cometapi/gpt-5` (or `cometapi`). */
export function where(context: ErrorContext): string {
  return context.model === "" ? context.provider : `${context.provider}/${context.model}`;
}

/**
 * Builds the error for a non-2xx answer: the class from the status (and the 400 message), a
 * message with provider/model, status, the server's own message and the request id.
 */
export function createStatusError(
  context: ErrorContext,
  status: number,
  headers: Record<string, string>,
  bodyText: string,
): APIError {
  let body: unknown;
  let serverMessage: string;
  let fields: ProviderErrorFields | undefined;
  // Redacted before any excerpt is cut, so that no cut can leave half a key behind.
  bodyText = redactString(bodyText, context.apiKey);
  try {
    body = JSON.parse(stripBOM(bodyText));
    fields = readProviderError(body);
    serverMessage = fields.message ?? excerptOf(bodyText);
  } catch {
    serverMessage = excerptOf(bodyText);
    body = serverMessage;
  }
  const requestId = requestIdOf(headers);
  const ErrorClass = errorClassForStatus(status, `${serverMessage} ${fields?.code ?? ""}`);
  const detail = serverMessage === "" ? "(empty body)" : serverMessage;
  return makeError(
    ErrorClass,
    context,
    `${where(context)}: ${status} ${detail}${requestIdSuffix(requestId)}`,
    {
      status,
      code: fields?.code,
      type: fields?.type,
      param: fields?.param,
      requestId,
      headers,
      body,
    },
  );
}

/**
 * Builds the error for an error that came inside a 200 body or a stream event: `{ "error":
 * { ... } }`, or an `event: error` whatever its data (an object, a string, `null`). The class
 * comes from its numeric `code` or `status`, else from its `type`, else `APIError`.
 */
export function createEventError(
  context: ErrorContext,
  payload: unknown,
  headers: Record<string, string> | undefined,
): APIError {
  const fields = readProviderError(payload);
  const serverMessage =
    fields.message ??
    (typeof payload === "string" && payload !== "" ? payload : "the server sent an error");
  const status =
    fields.status ?? (typeof fields.type === "string" ? STATUS_OF_TYPE[fields.type] : undefined);
  const ErrorClass = errorClassForStatus(status, `${serverMessage} ${fields.code ?? ""}`);
  const statusText = fields.status === undefined ? "" : `${fields.status} `;
  const requestId = headers === undefined ? undefined : requestIdOf(headers);
  return makeError(
    ErrorClass,
    context,
    `${where(context)}: ${statusText}${serverMessage}${requestIdSuffix(requestId)}`,
    {
      status: fields.status,
      code: fields.code,
      type: fields.type,
      param: fields.param,
      requestId,
      headers,
      body: payload,
      // No status and no known type: nothing says that trying again would help.
      isRetryable: status === undefined ? false : isRetryableStatus(status, headers),
    },
  );
}

/** Builds the `APIConnectionError` for a failed connection, keeping the (redacted) cause. */
export function createConnectionError(context: ErrorContext, cause: unknown): APIError {
  return makeError(
    APIConnectionError,
    context,
    `${where(context)}: connection failed: ${describeCause(cause)}`,
    { cause },
  );
}

/** Builds the `TimeoutError` of an attempt that took longer than `timeout`. */
export function createTimeoutError(context: ErrorContext, what: string, timeout: number): APIError {
  return makeError(
    TimeoutError,
    context,
    `${where(context)}: ${what} within the ${timeout} ms timeout. Raise \`timeout\` for long generations.`,
    {},
  );
}

/** Builds the `TimeoutError` of a stream that sent nothing for `streamIdleTimeout`. */
export function createIdleTimeoutError(
  context: ErrorContext,
  idleTimeout: number,
  status: number,
  headers: Record<string, string>,
): APIError {
  return makeError(
    TimeoutError,
    context,
    `${where(context)}: the stream sent nothing for ${idleTimeout} ms (streamIdleTimeout). Raise \`streamIdleTimeout\` for slow models.`,
    // A client timeout, retryable as a class; once a stream has started nothing retries it.
    { status, requestId: requestIdOf(headers), isRetryable: true },
  );
}

/** Builds the `APIError` for a 200 whose body is not the JSON expected. */
export function createInvalidBodyError(
  context: ErrorContext,
  status: number,
  headers: Record<string, string>,
  bodyText: string,
  what: string,
): APIError {
  const requestId = requestIdOf(headers);
  const excerpt = excerptOf(redactString(bodyText, context.apiKey));
  const shown = excerpt === "" ? "(empty body)" : excerpt;
  return makeError(
    APIError,
    context,
    `${where(context)}: ${status} answer is not ${what}: ${shown}${requestIdSuffix(requestId)}`,
    { status, requestId, headers, body: excerpt, isRetryable: false },
  );
}

/**
 * Builds the `APIError` for a stream event that is not what it should be (not JSON, say). The
 * message says what and where, never the event's content (it may hold personal data): that
 * stays on the non-enumerable `excerpt`, for a caller who asks.
 */
export function createInvalidEventError(
  context: ErrorContext,
  problem: string,
  eventNumber: number,
  data: string,
  status: number,
  headers: Record<string, string>,
): APIError {
  const requestId = requestIdOf(headers);
  return makeError(
    APIError,
    context,
    `${where(context)}: event ${eventNumber} of the stream (${data.length} characters) ${problem}${requestIdSuffix(requestId)}`,
    {
      status,
      requestId,
      excerpt: redactString(data, context.apiKey).slice(0, 200),
      isRetryable: false,
    },
  );
}

/** Builds the `APIError` for an answer larger than `maxResponseBytes`. */
export function createTooLargeError(
  context: ErrorContext,
  limit: number,
  status: number,
  headers: Record<string, string>,
): APIError {
  const requestId = requestIdOf(headers);
  return makeError(
    APIError,
    context,
    `${where(context)}: the ${status} answer is larger than maxResponseBytes (${limit} bytes); reading stopped and the connection was closed. Raise \`maxResponseBytes\` if such answers are expected.${requestIdSuffix(requestId)}`,
    { status, requestId, headers, isRetryable: false },
  );
}

/**
 * Builds the `APIError` for an answer the provider's adapter failed to map to OpenAI's shape (a
 * bug, or a shape nobody foresaw): not a connection failure, and not retried.
 */
export function createMappingError(
  context: ErrorContext,
  status: number,
  headers: Record<string, string>,
  cause: unknown,
): APIError {
  const requestId = requestIdOf(headers);
  const reason = cause instanceof Error ? cause.message : String(cause);
  return makeError(
    APIError,
    context,
    `${where(context)}: the ${context.provider} answer could not be mapped to OpenAI's shape (${reason})${requestIdSuffix(requestId)}`,
    { status, requestId, headers, cause, isRetryable: false },
  );
}

function describeCause(cause: unknown): string {
  if (!(cause instanceof Error)) return String(cause);
  const code = (cause as { code?: unknown }).code;
  const inner = cause.cause instanceof Error ? cause.cause : undefined;
  const innerCode = (inner as { code?: unknown } | undefined)?.code;
  const parts = [cause.message];
  if (typeof code === "string" && !cause.message.includes(code)) parts.push(`(${code})`);
  if (inner !== undefined && inner.message !== cause.message) {
    parts.push(`: ${inner.message}`);
    if (typeof innerCode === "string" && !inner.message.includes(innerCode)) {
      parts.push(`(${innerCode})`);
    }
  }
  return parts.join(" ");
}
