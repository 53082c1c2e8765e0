/**
 * Keeps the API key out of everything an error can show: message, stack, fields, body, headers
 * and the whole `cause` chain (a JSON parse error quoting a body, a caller's `fetch` error
 * quoting headers), even where a server echoes the key back, and however short the key.
 */

const REDACTED = "[REDACTED]";

/** Replaces every occurrence of the API key in a string. */
export function redactString(text: string, apiKey: string | undefined): string {
  if (apiKey === undefined || apiKey === "" || !text.includes(apiKey)) return text;
  return text.split(apiKey).join(REDACTED);
}

/** Replaces the API key in every string of a JSON-like value; returns a copy only when needed. */
export function redactValue<T>(value: T, apiKey: string | undefined): T {
  if (apiKey === undefined || apiKey === "" || !containsKey(value, apiKey, 0)) return value;
  return copyRedacted(value, apiKey, 0) as T;
}

/** Deep enough for any error body or cause chain; deeper nesting is cut, not searched forever. */
const MAX_DEPTH = 8;

/** Whether the key appears in any string of `value`: own fields, message, stack, the causes. */
function containsKey(value: unknown, apiKey: string, depth: number): boolean {
  if (typeof value === "string") return value.includes(apiKey);
  if (value === null || typeof value !== "object") return false;
  // Too deep to search: assume it does; the copy cuts it off there.
  if (depth > MAX_DEPTH) return true;
  if (value instanceof Error) {
    if (value.message.includes(apiKey) || (value.stack ?? "").includes(apiKey)) return true;
    if (containsKey(value.cause, apiKey, depth + 1)) return true;
  }
  for (const key of Object.keys(value)) {
    if (key.includes(apiKey)) return true;
    if (containsKey((value as Record<string, unknown>)[key], apiKey, depth + 1)) return true;
  }
  return false;
}

function copyRedacted(value: unknown, apiKey: string, depth: number): unknown {
  if (typeof value === "string") return redactString(value, apiKey);
  if (value === null || typeof value !== "object") return value;
  if (depth > MAX_DEPTH) return REDACTED;
  if (Array.isArray(value)) return value.map((item) => copyRedacted(item, apiKey, depth + 1));
  if (value instanceof Error) return copyError(value, apiKey, depth);
  const copy: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) {
    copy[redactString(key, apiKey)] = copyRedacted(item, apiKey, depth + 1);
  }
  return copy;
}

/**
 * A copy of a foreign error (a `SyntaxError`, a `fetch` `TypeError`, an undici error) with the
 * key redacted from its message, stack, own fields and causes. Same prototype, so `instanceof`
 * and `name` still tell what it was; the original is left untouched (it may be the caller's).
 */
function copyError(error: Error, apiKey: string, depth: number): Error {
  const copy: Error = Object.create(Object.getPrototypeOf(error));
  for (const [key, item] of Object.entries(error)) {
    Object.defineProperty(copy, redactString(key, apiKey), {
      value: copyRedacted(item, apiKey, depth + 1),
      enumerable: true,
      writable: true,
      configurable: true,
    });
  }
  const hidden = (name: string, value: unknown) =>
    Object.defineProperty(copy, name, { value, writable: true, configurable: true });
  hidden("message", redactString(error.message, apiKey));
  if (error.stack !== undefined) hidden("stack", redactString(error.stack, apiKey));
  if (error.cause !== undefined) hidden("cause", copyRedacted(error.cause, apiKey, depth + 1));
  return copy;
}

/**
 * For text cut at a length (the start of a body kept for a message): the key redacted, and a
 * key cut in half at the end dropped too, since its first half no longer matches the key.
 */
export function redactTruncated(text: string, apiKey: string | undefined): string {
  if (apiKey === undefined || apiKey === "") return text;
  const redacted = redactString(text, apiKey);
  for (let length = Math.min(apiKey.length - 1, redacted.length); length > 0; length--) {
    if (redacted.endsWith(apiKey.slice(0, length))) return redacted.slice(0, -length);
  }
  return redacted;
}
