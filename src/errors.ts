/**
 * The error classes llmux throws, and the mapping from an HTTP status (or an in-stream error
 * event) to a class. Each class decides `isRetryable` when it is made; the retry code only
 * reads it.
 */

/** Details every llmux error can carry. */
export interface LLMErrorOptions {
  /** The provider prefix of the call, `cometapi` for `cometapi/gpt-5`. */
  provider?: string | undefined;
  /** The model id sent to the provider (without the prefix). */
  model?: string | undefined;
  /** The error this one wraps. */
  cause?: unknown;
}

/** Details of an error that came from (or on the way to) a provider's HTTP API. */
export interface APIErrorOptions extends LLMErrorOptions {
  /** HTTP status of the answer; undefined when no answer came (or before any request). */
  status?: number | undefined;
  /** The provider's error `code`, as sent. */
  code?: string | number | null | undefined;
  /** The provider's error `type`, as sent. */
  type?: string | null | undefined;
  /** The provider's error `param`, as sent. */
  param?: string | null | undefined;
  /** The `x-request-id` of the answer. */
  requestId?: string | undefined;
  /** The answer's headers (lower-case names). */
  headers?: Record<string, string> | undefined;
  /** The answer's body: the parsed JSON, or a short excerpt of the text when it is not JSON. */
  body?: unknown;
  /** How many HTTP requests were made for the call. */
  attempts?: number | undefined;
  /** Overrides the retryability the class would decide. */
  isRetryable?: boolean | undefined;
}

/** The base class of every error llmux throws. */
export class LLMError extends Error {
  override name = "LLMError";
  /** The provider prefix of the call, `cometapi` for `cometapi/gpt-5`. */
  provider: string | undefined;
  /** The model id sent to the provider (without the prefix). */
  model: string | undefined;
  /** Whether llmux's retry rules retry this error. */
  isRetryable: boolean;

  constructor(message: string, options: LLMErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.provider = options.provider;
    this.model = options.model;
    this.isRetryable = false;
  }
}

/** An error from a provider's API, or on the way to it. */
export class APIError extends LLMError {
  override name = "APIError";
  /** HTTP status; undefined when no answer came, or for a failure before any request. */
  status: number | undefined;
  /** The provider's error `code`, as sent. */
  code: string | number | null | undefined;
  /** The provider's error `type`, as sent. */
  type: string | null | undefined;
  /** The provider's error `param`, as sent. */
  param: string | null | undefined;
  /** The `x-request-id` of the answer. */
  requestId: string | undefined;
  /** The answer's headers (lower-case names). */
  headers: Record<string, string> | undefined;
  /** The answer's body: parsed JSON, or a short excerpt of a body that is not JSON. */
  body: unknown;
  /** How many HTTP requests were made for the call (0 when none was). */
  attempts: number;

  constructor(message: string, options: APIErrorOptions = {}) {
    super(message, options);
    this.status = options.status;
    this.code = options.code;
    this.type = options.type;
    this.param = options.param;
    this.requestId = options.requestId;
    this.headers = options.headers;
    this.body = options.body;
    this.attempts = options.attempts ?? 0;
    this.isRetryable = options.isRetryable ?? isRetryableStatus(options.status, options.headers);
  }
}

/** 400, and every validation failure before a request (then `status` is undefined). */
export class BadRequestError extends APIError {
  override name = "BadRequestError";
  /** For a validation failure: each problem, with the path of the field. */
  issues: ValidationIssue[] | undefined;

  constructor(message: string, options: APIErrorOptions & { issues?: ValidationIssue[] } = {}) {
    super(message, options);
    this.issues = options.issues;
  }
}

/** One problem found when validating a call's parameters. */
export interface ValidationIssue {
  /** Where, as a path: `messages[0].role`. */
  path: string;
  /** What is wrong and how to fix it. */
  message: string;
}

/** A 400 that says the prompt and output do not fit the model's context window. */
export class ContextWindowExceededError extends BadRequestError {
  override name = "ContextWindowExceededError";
}

/** A 400 that says the request was refused by the provider's content policy. */
export class ContentPolicyViolationError extends BadRequestError {
  override name = "ContentPolicyViolationError";
}

/** 401, and a missing API key (then `status` is undefined). */
export class AuthenticationError extends APIError {
  override name = "AuthenticationError";
}

/** 403. */
export class PermissionDeniedError extends APIError {
  override name = "PermissionDeniedError";
}

/** 404. */
export class NotFoundError extends APIError {
  override name = "NotFoundError";
}

/** 422. */
export class UnprocessableEntityError extends APIError {
  override name = "UnprocessableEntityError";
}

/** 429. */
export class RateLimitError extends APIError {
  override name = "RateLimitError";
}

/** 500, and other 5xx without a class of their own. */
export class InternalServerError extends APIError {
  override name = "InternalServerError";
}

/** 502. */
export class BadGatewayError extends APIError {
  override name = "BadGatewayError";
}

/** 503. */
export class ServiceUnavailableError extends APIError {
  override name = "ServiceUnavailableError";
}

/** 408, 504, and llmux's own `timeout` and `streamIdleTimeout`. */
export class TimeoutError extends APIError {
  override name = "TimeoutError";

  constructor(message: string, options: APIErrorOptions = {}) {
    super(message, { ...options, isRetryable: options.isRetryable ?? true });
  }
}

/** The connection failed: refused, reset, DNS, TLS, or dropped mid-stream. */
export class APIConnectionError extends APIError {
  override name = "APIConnectionError";

  constructor(message: string, options: APIErrorOptions = {}) {
    super(message, { ...options, isRetryable: options.isRetryable ?? true });
  }
}

/**
 * Whether the retry rules retry an answer with this status: 408, 409, 429 and 5xx, unless the
 * server said otherwise in `x-should-retry`.
 */
export function isRetryableStatus(
  status: number | undefined,
  headers: Record<string, string> | undefined,
): boolean {
  const shouldRetry = headers?.["x-should-retry"];
  if (shouldRetry === "true") return true;
  if (shouldRetry === "false") return false;
  if (status === undefined) return false;
  return status === 408 || status === 409 || status === 429 || status >= 500;
}

type APIErrorClass = new (message: string, options: APIErrorOptions) => APIError;

const CONTEXT_WINDOW_PATTERN =
  /context.length|context.window|maximum context|context_length_exceeded|too many tokens|prompt is too long|input is too long|reduce the length|exceeds? the (?:model'?s? )?(?:maximum|max)/i;
const CONTENT_POLICY_PATTERN =
  /content.policy|content_policy|content management policy|safety system|content_filter|flagged by|responsibleai/i;

/** Picks the class for an HTTP status (and, for a 400, the server's message). */
export function errorClassForStatus(status: number | undefined, message = ""): APIErrorClass {
  switch (status) {
    case 400:
      if (CONTEXT_WINDOW_PATTERN.test(message)) return ContextWindowExceededError;
      if (CONTENT_POLICY_PATTERN.test(message)) return ContentPolicyViolationError;
      return BadRequestError;
    case 401:
      return AuthenticationError;
    case 403:
      return PermissionDeniedError;
    case 404:
      return NotFoundError;
    case 408:
    case 504:
      return TimeoutError;
    case 422:
      return UnprocessableEntityError;
    case 429:
      return RateLimitError;
    case 502:
      return BadGatewayError;
    case 503:
      return ServiceUnavailableError;
    default:
      if (status !== undefined && status >= 500 && status <= 599) return InternalServerError;
      return APIError;
  }
}

/** What llmux knows about the call when an error happens. */
export interface ErrorContext {
  provider: string;
  model: string;
  /** Replaced by `[REDACTED]` wherever it would appear. */
  apiKey: string | undefined;
}

/** The parts of an error object in a provider's JSON (`{ "error": { ... } }`). */
interface ProviderErrorFields {
  message: string | undefined;
  code: string | number | null | undefined;
  type: string | null | undefined;
  param: string | null | undefined;
  status: number | undefined;
}

/** Reads OpenAI's `{ error: { message, type, code, param } }`, and the shapes gateways use. */
function readProviderError(body: unknown): ProviderErrorFields {
  const fields: ProviderErrorFields = {
    message: undefined,
    code: undefined,
    type: undefined,
    param: undefined,
    status: undefined,
  };
  if (body === null || typeof body !== "object") return fields;
  const record = body as Record<string, unknown>;
  const inner = record.error;
  const source =
    inner !== null && typeof inner === "object" ? (inner as Record<string, unknown>) : record;
  if (typeof source.message === "string") fields.message = source.message;
  else if (typeof inner === "string") fields.message = inner;
  else if (typeof record.message === "string") fields.message = record.message;
  else if (typeof record.detail === "string") fields.message = record.detail;
  const code = source.code;
  if (typeof code === "string" || typeof code === "number" || code === null) fields.code = code;
  if (typeof source.type === "string" || source.type === null) fields.type = source.type;
  if (typeof source.param === "string" || source.param === null) fields.param = source.param;
  const status = source.status ?? record.status;
  fields.status = toStatusNumber(status) ?? toStatusNumber(code);
  return fields;
}

function toStatusNumber(value: unknown): number | undefined {
  const number = typeof value === "string" && /^\d{3}$/.test(value) ? Number(value) : value;
  return typeof number === "number" && number >= 100 && number <= 599 ? number : undefined;
}

const EXCERPT_LENGTH = 300;

/** A short, single-line, readable excerpt of a body that is not JSON (an HTML page, say). */
export function excerptOf(text: string): string {
  const readable = text
    .replace(/<(script|style)[^>]*>[\s\S]*?<\/\1>/gi, " ")
    .replace(/<[^>]+>/g, " ")
    .replace(/&nbsp;/g, " ")
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&amp;/g, "&")
    .replace(/\s+/g, " ")
    .trim();
  return readable.length > EXCERPT_LENGTH ? `${readable.slice(0, EXCERPT_LENGTH)}...` : readable;
}

/** Replaces the API key (and its `Bearer` form) in a string. */
export function redactString(text: string, apiKey: string | undefined): string {
  if (apiKey === undefined || apiKey.length < 4 || !text.includes(apiKey)) return text;
  return text.split(apiKey).join("[REDACTED]");
}

/** Replaces the API key in every string of a JSON-like value; returns a copy only when needed. */
export function redactValue(value: unknown, apiKey: string | undefined): unknown {
  if (apiKey === undefined) return value;
  if (typeof value === "string") return redactString(value, apiKey);
  if (Array.isArray(value)) return value.map((item) => redactValue(item, apiKey));
  if (value !== null && typeof value === "object") {
    const copy: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) {
      copy[redactString(key, apiKey)] = redactValue(item, apiKey);
    }
    return copy;
  }
  return value;
}

function redactHeaders(
  headers: Record<string, string>,
  apiKey: string | undefined,
): Record<string, string> {
  if (apiKey === undefined) return headers;
  const copy: Record<string, string> = {};
  for (const name in headers) copy[name] = redactString(headers[name] as string, apiKey);
  return copy;
}

/** Where the error happened, for the start of a message: `cometapi/gpt-5` (or `cometapi`). */
export function where(context: ErrorContext): string {
  return context.model === "" ? context.provider : `${context.provider}/${context.model}`;
}

/**
 * Builds the error for a non-2xx answer: the class from the status (and the 400 message), a
 * message with provider/model, status, the server's own message and the request id, the key
 * redacted everywhere.
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
  try {
    body = JSON.parse(bodyText);
    fields = readProviderError(body);
    serverMessage = fields.message ?? excerptOf(bodyText);
  } catch {
    serverMessage = excerptOf(bodyText);
    body = serverMessage;
  }
  const requestId = headers["x-request-id"];
  const ErrorClass = errorClassForStatus(status, serverMessage);
  const detail = serverMessage === "" ? "(empty body)" : serverMessage;
  const message = `${where(context)}: ${status} ${detail}${requestId ? ` (request id ${requestId})` : ""}`;
  return new ErrorClass(redactString(message, context.apiKey), {
    provider: context.provider,
    model: context.model,
    status,
    code: fields?.code,
    type: fields?.type,
    param: fields?.param,
    requestId,
    headers: redactHeaders(headers, context.apiKey),
    body: redactValue(body, context.apiKey),
  });
}

/**
 * Builds the error for an `{ "error": { ... } }` object that came inside a 200 body or a stream
 * event: the class from its numeric `code` or `status`, else `APIError`.
 */
export function createEventError(
  context: ErrorContext,
  payload: unknown,
  headers: Record<string, string> | undefined,
  requestId: string | undefined,
): APIError {
  const fields = readProviderError(payload);
  const serverMessage = fields.message ?? "the server sent an error";
  const ErrorClass = errorClassForStatus(fields.status, serverMessage);
  const status = fields.status === undefined ? "" : `${fields.status} `;
  const message = `${where(context)}: ${status}${serverMessage}${requestId ? ` (request id ${requestId})` : ""}`;
  return new ErrorClass(redactString(message, context.apiKey), {
    provider: context.provider,
    model: context.model,
    status: fields.status,
    code: fields.code,
    type: fields.type,
    param: fields.param,
    requestId,
    headers: headers === undefined ? undefined : redactHeaders(headers, context.apiKey),
    body: redactValue(payload, context.apiKey),
    isRetryable: fields.status === undefined ? false : undefined,
  });
}

/** Builds the `APIConnectionError` for a failed connection, keeping the cause. */
export function createConnectionError(context: ErrorContext, cause: unknown): APIConnectionError {
  const reason = describeCause(cause);
  return new APIConnectionError(
    redactString(`${where(context)}: connection failed: ${reason}`, context.apiKey),
    { provider: context.provider, model: context.model, cause },
  );
}

/** Builds the `APIError` for a 200 whose body is not the JSON expected. */
export function createInvalidBodyError(
  context: ErrorContext,
  status: number,
  headers: Record<string, string>,
  bodyText: string,
  what: string,
  cause?: unknown,
): APIError {
  const requestId = headers["x-request-id"];
  const excerpt = excerptOf(bodyText);
  const message = `${where(context)}: ${status} answer is not ${what}: ${excerpt === "" ? "(empty body)" : excerpt}${requestId ? ` (request id ${requestId})` : ""}`;
  return new APIError(redactString(message, context.apiKey), {
    provider: context.provider,
    model: context.model,
    status,
    requestId,
    headers: redactHeaders(headers, context.apiKey),
    body: redactString(excerpt, context.apiKey),
    cause,
    isRetryable: false,
  });
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
