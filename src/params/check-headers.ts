/**
 * Headers HTTP cannot carry are the caller's mistake, found before any request: a CR, LF or NUL
 * (or another control character) in a value, a name that is not an HTTP token. Left to the
 * transport they would fail as a connection error, retried, with no request ever sent.
 */
import { BadRequestError } from "../errors/errors.js";

/** RFC 9110 token characters: what a header name may hold. */
const HEADER_NAME = /^[!#$%&'*+\-.^_`|~0-9a-z]+$/i;
/** What undici refuses in a value: control characters other than tab, and anything past Latin-1. */
const INVALID_VALUE = /[^\t\x20-\x7e\x80-\xff]/;

/** Whether `value` can be sent as a header value. */
export function isSendableHeaderValue(value: string): boolean {
  return !INVALID_VALUE.test(value);
}

/**
 * The caller's `extraHeaders` with lower-case names; a `BadRequestError` naming the header when
 * a name or value cannot be sent (the value is never echoed: it may be a secret).
 */
export function checkExtraHeaders(
  headers: Record<string, string> | undefined,
): Record<string, string> | undefined {
  if (headers === undefined) return undefined;
  const lower: Record<string, string> = {};
  for (const name in headers) {
    const value = headers[name] as string;
    if (!HEADER_NAME.test(name)) {
      throw headerError(
        `extraHeaders["${name}"]`,
        "is not a valid HTTP header name: use letters, digits and !#$%&'*+-.^_`|~ only, no spaces or colons",
      );
    }
    if (!isSendableHeaderValue(value)) {
      throw headerError(
        `extraHeaders["${name}"]`,
        "holds a character HTTP cannot send in a header value (CR, LF, NUL or another control character); remove it",
      );
    }
    lower[name.toLowerCase()] = value;
  }
  return lower;
}

/** The `BadRequestError` for a header that cannot be sent. */
export function headerError(path: string, problem: string): BadRequestError {
  return new BadRequestError(`llmux: ${path} ${problem}.`, {
    issues: [{ path, message: problem }],
  });
}
