/**
 * Keeps the API key out of everything an error can show (message, body, headers), even where a
 * server echoes it back.
 */

/** Replaces the API key in a string. */
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

export function redactHeaders(
  headers: Record<string, string>,
  apiKey: string | undefined,
): Record<string, string> {
  if (apiKey === undefined) return headers;
  const copy: Record<string, string> = {};
  for (const name in headers) copy[name] = redactString(headers[name] as string, apiKey);
  return copy;
}
