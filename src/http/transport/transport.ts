import type { AbortHandle } from "./abort-handle.js";

/**
 * How bytes move. A transport sends one HTTP request and hands back the status, headers and a
 * body that can be read once (as text, or as a stream of byte chunks). llmux uses undici's
 * `dispatch()` by default, and a caller's `fetch` when one is given.
 */

/** One HTTP request, ready to send. */
export interface HttpRequest {
  method: "GET" | "POST";
  url: string;
  /** Lower-case names. */
  headers: Record<string, string>;
  body: string | undefined;
  /**
   * Aborting it settles the request, or the body being read, at once, whatever the network (or a
   * caller's `fetch`) does.
   */
  abort: AbortHandle;
}

/** The answer to an {@link HttpRequest}; its body is read once, by `text()` or by iterating `body`. */
export interface HttpResponse {
  status: number;
  /** Lower-case names; repeated headers joined with `, `. */
  headers: Record<string, string>;
  /** The body as byte chunks, as they arrive (decoded, when the server compressed it). */
  body: AsyncIterable<Uint8Array>;
  /**
   * The whole body as UTF-8 text (decoded, when the server compressed it). Rejects with a
   * {@link ResponseTooLargeError} as soon as it would pass `maxBytes`, and closes the connection.
   */
  text(maxBytes: number): Promise<string>;
  /**
   * Releases the response. `early`: the body is not wanted any more, and the connection is
   * closed at once. Otherwise the reader has all it needs (a stream saw `[DONE]`): what is left
   * of the body may still arrive, so that the connection can be kept for another request.
   */
  close(early: boolean): void;
}

/** Sends one request. Rejects only when no answer came (refused, reset, DNS, TLS, abort). */
export type Transport = (request: HttpRequest) => Promise<HttpResponse>;

/** A body past the `maxBytes` given to `text()`: reading stopped, the connection is closed. */
export class ResponseTooLargeError extends Error {
  override name = "ResponseTooLargeError";
  readonly limit: number;

  constructor(limit: number) {
    super(`The response body is larger than ${limit} bytes`);
    this.limit = limit;
  }
}

/** The error a transport rejects with when its request was aborted. */
export function abortError(): Error {
  const error = new Error("The request was aborted");
  error.name = "AbortError";
  return error;
}
