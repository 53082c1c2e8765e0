/**
 * Reads a 2xx body as the JSON object a call expects. An `{ "error": ... }` body (some gateways
 * answer 200 with their error) is thrown as its error class; anything else unexpected is an
 * `APIError` with an excerpt of the body, never a bare `SyntaxError`.
 */
import {
  createEventError,
  createInvalidBodyError,
  type ErrorContext,
} from "../errors/create-error.js";
import { stripBOM } from "../errors/read-provider-error.js";
import type { HttpResponse } from "./transport/transport.js";

/** Reads `response` as the JSON object `isExpected` accepts; `what` names it for the message. */
export async function readJsonBody(
  response: HttpResponse,
  context: ErrorContext,
  maxBytes: number,
  isExpected: (json: Record<string, unknown>) => boolean,
  what: string,
): Promise<Record<string, unknown>> {
  const text = await response.text(maxBytes);
  let json: unknown;
  try {
    json = JSON.parse(stripBOM(text));
  } catch {
    // The SyntaxError is not kept as the cause: its message quotes the body.
    throw createInvalidBodyError(context, response.status, response.headers, text, "JSON");
  }
  if (json !== null && typeof json === "object" && !Array.isArray(json)) {
    const record = json as Record<string, unknown>;
    if (isExpected(record)) return record;
    if (record.error !== undefined && record.error !== null) {
      throw createEventError(context, record, response.headers);
    }
  }
  throw createInvalidBodyError(context, response.status, response.headers, text, what);
}
