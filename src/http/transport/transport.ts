import type { AbortHandle } from "./abort-handle.js";

/**
 * How bytes move. A transport sends one HTTP request and hands back the status, headers and a
 * body that can be read once (as text, or as a stream of byte chunks). llmux uses undici's
 * `request()` by default, and a caller's `fetch` when one is given.
 */

/** One HTTP request, ready to send. */
export interface HttpRequest {
  method: "GET" | "POST";
  url: string;
  /** Lower-case names. */
  headers: Record<string, string>;
  body: string | undefined;
  /** Aborting it stops the request, or the body being read, at once. */
  abort: AbortHandle;
}

/** The answer to an {@link HttpRequest}; its body is read once, by `text()` or by iterating `body`. */
export interface HttpResponse {
  status: number;
  /** Lower-case names; repeated headers joined with `, `. */
  headers: Record<string, string>;
  /** The body as byte chunks, as they arrive. */
  body: AsyncIterable<Uint8Array>;
  /** The whole body as UTF-8 text. */
  text(): Promise<string>;
  /** Stops reading and closes the connection (or hands it back, if the body was read). */
  destroy(): void;
  /**
   * The reader needs nothing more (a stream saw `[DONE]`): the rest of the body may be discarded,
   * and the connection kept for reuse if it ends soon.
   */
  release(): void;
}

/** Sends one request. Rejects only when no answer came (refused, reset, DNS, TLS, abort). */
export type Transport = (request: HttpRequest) => Promise<HttpResponse>;
