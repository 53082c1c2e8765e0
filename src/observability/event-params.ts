/** A call's parameters as an event shows them: never its key, never a client object. */
import { redactValue } from "../errors/redact.js";

/** Left out of every event: the key, and objects that are the caller's, not the request's. */
const LEFT_OUT: ReadonlySet<string> = new Set([
  "apiKey",
  "signal",
  "dispatcher",
  "fetch",
  "callbacks",
  "telemetry",
  "responseFormat",
]);

/** Header names whose values may hold a key or a credential. */
const SECRET_HEADER = /authorization|api[-_]?key|token|secret|cookie|password|credential/i;

/** The parameters without the key, key-like header values or client objects. */
export function eventParams(params: unknown): Record<string, unknown> {
  const result: Record<string, unknown> = {};
  if (typeof params !== "object" || params === null) return result;
  const source = params as Record<string, unknown>;
  for (const key in source) {
    if (LEFT_OUT.has(key)) continue;
    const value = source[key];
    if (value === undefined) continue;
    result[key] = key === "extraHeaders" ? redactHeaderValues(value) : value;
  }
  const apiKey = typeof source.apiKey === "string" ? source.apiKey : undefined;
  return redactValue(result, apiKey);
}

function redactHeaderValues(headers: unknown): unknown {
  if (typeof headers !== "object" || headers === null) return headers;
  const result: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(headers)) {
    result[name] = SECRET_HEADER.test(name) ? "[REDACTED]" : value;
  }
  return result;
}
