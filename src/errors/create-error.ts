/**
 * Builds the error a user sees from what went wrong: a non-2xx answer, an error object inside a
 * 200 or a stream, a failed connection, a body that is not the JSON expected. Messages name the
 * provider/model, the status, the server's own message and the request id; the key is redacted.
 */
import { errorClassForStatus } from "./error-class-for-status.js";
import { APIConnectionError, APIError } from "./errors.js";
import { redactHeaders, redactString, redactValue } from "./redact.js";

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
  const ErrorClass = errorClassForStatus(status, `${serverMessage} ${fields?.code ?? ""}`);
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
  const ErrorClass = errorClassForStatus(fields.status, `${serverMessage} ${fields.code ?? ""}`);
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
