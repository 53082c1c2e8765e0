/**
 * What a provider's error body says: OpenAI's `{ error: { message, type, code, param } }` and the
 * shapes gateways and native APIs use, a readable excerpt of a body that is not JSON (an HTML
 * page), and JSON's own stumbling block, the byte order mark.
 */

/** The parts of an error object in a provider's JSON (`{ "error": { ... } }`). */
export interface ProviderErrorFields {
  message: string | undefined;
  code: string | number | null | undefined;
  type: string | null | undefined;
  param: string | null | undefined;
  status: number | undefined;
}

/** Reads OpenAI's `{ error: { message, type, code, param } }`, and the shapes gateways use. */
export function readProviderError(body: unknown): ProviderErrorFields {
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

/** A UTF-8 byte order mark before a JSON body is not part of the JSON. */
export function stripBOM(text: string): string {
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

/**
 * The status an error `type` stands for, where a stream's error event or a 200 body carries a
 * type but no status (Anthropic's names, relayed by gateways, and OpenAI's).
 */
export const STATUS_OF_TYPE: Record<string, number> = {
  invalid_request_error: 400,
  authentication_error: 401,
  permission_error: 403,
  not_found_error: 404,
  request_too_large: 413,
  rate_limit_error: 429,
  rate_limit_exceeded: 429,
  api_error: 500,
  server_error: 500,
  overloaded_error: 503,
  timeout_error: 504,
};
