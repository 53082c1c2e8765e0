import type { ErrorContext } from "../errors/create-error.js";
import type { ProviderAdapter } from "../providers/provider.js";
import type { Transport } from "./transport/transport.js";

/** Everything needed to send a call, resolved once per call (by `calls/prepare-call.ts`). */
export interface ResolvedCall {
  readonly adapter: ProviderAdapter;
  /** The model id without the provider prefix. */
  readonly model: string;
  readonly apiKey: string | undefined;
  /** Normalized: a version segment, no trailing `/`, no query. */
  readonly apiBase: string;
  /** The base's query (`?api-version=...`), sent after each endpoint's path; `""` when none. */
  readonly apiQuery: string;
  readonly timeout: number;
  readonly maxRetries: number;
  readonly maxResponseBytes: number;
  readonly signal: AbortSignal | undefined;
  /** Lower-case names, checked to be sendable. */
  readonly extraHeaders: Record<string, string> | undefined;
  /** To name a key of it when the body cannot become JSON. */
  readonly extraBody: Record<string, unknown> | undefined;
  readonly transport: Transport;
  /** For error messages (and redaction), before any request. */
  readonly context: ErrorContext;
  /** Told before each retry, with the error and the attempts made (callbacks' `onRetry`). */
  readonly onRetry?: ((error: unknown, attempts: number) => void) | undefined;
}
