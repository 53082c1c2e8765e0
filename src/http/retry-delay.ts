/**
 * How long to wait before a retry: the delay the server asked for (`retry-after-ms`,
 * `retry-after`), else exponential backoff with jitter.
 */
import { APIError } from "../errors/errors.js";

/** A server may ask for a wait up to this long; a longer one is not waited for. */
export const MAX_SERVER_DELAY_MS = 60_000;
const INITIAL_DELAY_MS = 500;
const MAX_BACKOFF_MS = 8_000;

/** A plain non-negative decimal, the whole value: no sign, exponent, unit or trailing garbage. */
const DECIMAL = /^\d+(?:\.\d+)?$/;

/*
 * The three HTTP date forms of RFC 9110 section 5.6.7, each starting with a day name. Anything else
 * is not read as a date: `Date.parse` takes "-1" for 2001-01-01 and "Monday 5" for 2001-05-01,
 * which would mean a retry at once. Case-insensitive, as RFC 9110 asks recipients to be lenient.
 */
const DAY = "(?:mon|tue|wed|thu|fri|sat|sun)";
const MONTH = "(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)";
const TIME = "\\d{2}:\\d{2}:\\d{2}";
/** "Sun, 06 Nov 1994 08:49:37 GMT", the form servers send. */
const IMF_FIXDATE = new RegExp(`^${DAY}, \\d{2} ${MONTH} \\d{4} ${TIME} gmt$`, "i");
/** "Sunday, 06-Nov-94 08:49:37 GMT", obsolete. */
const RFC_850_DATE = new RegExp(`^${DAY}[a-z]*, \\d{2}-${MONTH}-\\d{2} ${TIME} gmt$`, "i");
/** "Sun Nov  6 08:49:37 1994", obsolete; GMT, though it does not say so. */
const ASCTIME_DATE = new RegExp(`^${DAY} ${MONTH} {1,2}\\d{1,2} ${TIME} \\d{4}$`, "i");

/** Milliseconds since the epoch of an HTTP date, or undefined when `value` is not one. */
function parseHttpDate(value: string): number | undefined {
  let date = Number.NaN;
  if (IMF_FIXDATE.test(value) || RFC_850_DATE.test(value)) date = Date.parse(value);
  // Date.parse reads a date without a zone as local time; asctime's is GMT.
  else if (ASCTIME_DATE.test(value)) date = Date.parse(`${value} GMT`);
  return Number.isFinite(date) ? date : undefined;
}

/**
 * The delay the server asked for: `retry-after-ms`, else `retry-after` in seconds or as an HTTP
 * date (relative to `now`). Undefined when it asked for none, or sent something negative or
 * unreadable: then the normal backoff applies.
 */
export function serverDelayMs(
  headers: Record<string, string> | undefined,
  now = Date.now(),
): number | undefined {
  if (headers === undefined) return undefined;
  const milliseconds = headers["retry-after-ms"]?.trim();
  if (milliseconds !== undefined && DECIMAL.test(milliseconds)) {
    return Number.parseFloat(milliseconds);
  }
  const retryAfter = headers["retry-after"]?.trim();
  if (retryAfter === undefined) return undefined;
  // RFC 9110 allows whole seconds only; a fraction is read too rather than thrown away.
  if (DECIMAL.test(retryAfter)) return Number.parseFloat(retryAfter) * 1000;
  const date = parseHttpDate(retryAfter);
  return date === undefined ? undefined : Math.max(0, date - now);
}

/** 0.5 s x 2^n, capped at 8 s, less up to 25 % jitter so that clients spread out. */
export function backoffMs(retryIndex: number, random = Math.random()): number {
  const base = Math.min(INITIAL_DELAY_MS * 2 ** retryIndex, MAX_BACKOFF_MS);
  return base * (1 - 0.25 * random);
}

/**
 * How long to wait before retry number `retryIndex` (0 for the first retry); undefined when the
 * server asked for longer than {@link MAX_SERVER_DELAY_MS}, so that the error is thrown at once.
 *
 * @param sources the clock and the random source, for tests; `Date.now()` and `Math.random()`
 *   when left out.
 */
export function retryDelayMs(
  error: unknown,
  retryIndex: number,
  sources: { readonly now?: number; readonly random?: number } = {},
): number | undefined {
  const requested =
    error instanceof APIError ? serverDelayMs(error.headers, sources.now) : undefined;
  if (requested === undefined) return backoffMs(retryIndex, sources.random);
  return requested > MAX_SERVER_DELAY_MS ? undefined : requested;
}
