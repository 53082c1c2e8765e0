/**
 * How long to wait before a retry: the delay the server asked for (`retry-after-ms`,
 * `retry-after`), else exponential backoff with jitter.
 */
import { APIError } from "../errors/errors.js";

/** A server may ask for a wait up to this long; a longer one is not waited for. */
export const MAX_SERVER_DELAY_MS = 60_000;
const INITIAL_DELAY_MS = 500;
const MAX_BACKOFF_MS = 8_000;

/**
 * The delay the server asked for: `retry-after-ms`, else `retry-after` in seconds or as an HTTP
 * date. Undefined when it asked for none (or sent something unreadable).
 */
export function serverDelayMs(
  headers: Record<string, string> | undefined,
  now = Date.now(),
): number | undefined {
  if (headers === undefined) return undefined;
  const milliseconds = headers["retry-after-ms"];
  if (milliseconds !== undefined) {
    const value = Number.parseFloat(milliseconds);
    if (Number.isFinite(value) && value >= 0) return value;
  }
  const retryAfter = headers["retry-after"];
  if (retryAfter !== undefined) {
    const trimmed = retryAfter.trim();
    if (/^\d+(\.\d+)?$/.test(trimmed)) return Number.parseFloat(trimmed) * 1000;
    const date = Date.parse(trimmed);
    if (Number.isFinite(date)) return Math.max(0, date - now);
  }
  return undefined;
}

/** 0.5 s x 2^n, capped at 8 s, less up to 25 % jitter so that clients spread out. */
export function backoffMs(retryIndex: number, random = Math.random()): number {
  const base = Math.min(INITIAL_DELAY_MS * 2 ** retryIndex, MAX_BACKOFF_MS);
  return base * (1 - 0.25 * random);
}

/**
 * How long to wait before retry number `retryIndex` (0 for the first retry); undefined when the
 * server asked for longer than {@link MAX_SERVER_DELAY_MS}, so that the error is thrown at once.
 */
export function retryDelayMs(error: unknown, retryIndex: number): number | undefined {
  const requested = error instanceof APIError ? serverDelayMs(error.headers) : undefined;
  if (requested === undefined) return backoffMs(retryIndex);
  return requested > MAX_SERVER_DELAY_MS ? undefined : requested;
}
