/**
 * The delay arithmetic between retries, through an injected clock (`now`) and random source
 * (`random`): no real waiting here. The retry loop itself (that it waits this long, and that the
 * caller's abort ends the wait) is tested against a real server in faults.test.ts.
 */
import { describe, expect, it } from "vitest";
import { APIConnectionError, RateLimitError } from "../src/errors/errors.js";
import {
  backoffMs,
  MAX_SERVER_DELAY_MS,
  retryDelayMs,
  serverDelayMs,
} from "../src/http/retry-delay.js";

const NOW = Date.UTC(2026, 0, 1, 12, 0, 0);

function rateLimit(headers: Record<string, string>): RateLimitError {
  return new RateLimitError("cometapi/gpt-5: 429 slow down", {
    provider: "cometapi",
    model: "gpt-5",
    status: 429,
    headers,
  });
}

describe("backoff: 0.5 s x 2^n, capped at 8 s, less up to 25 % jitter", () => {
  it.each([
    [0, 500, 375],
    [1, 1_000, 750],
    [2, 2_000, 1_500],
    [3, 4_000, 3_000],
    [4, 8_000, 6_000],
    [5, 8_000, 6_000],
    [12, 8_000, 6_000],
  ])("retry %i waits %i ms at random 0 and %i ms at random 1", (retryIndex, longest, shortest) => {
    expect(backoffMs(retryIndex, 0)).toBe(longest);
    expect(backoffMs(retryIndex, 1)).toBe(shortest);
    expect(backoffMs(retryIndex, 0.5)).toBe((longest + shortest) / 2);
  });

  it("is what retryDelayMs gives when the server asked for nothing", () => {
    expect(retryDelayMs(rateLimit({}), 0, { random: 0 })).toBe(500);
    expect(retryDelayMs(rateLimit({}), 3, { random: 1 })).toBe(3_000);
    expect(retryDelayMs(rateLimit({}), 6, { random: 0 })).toBe(8_000);
  });

  it("applies to errors that carry no headers at all", () => {
    const error = new APIConnectionError("cometapi/gpt-5: connection refused", {
      provider: "cometapi",
      model: "gpt-5",
    });
    expect(retryDelayMs(error, 1, { random: 0 })).toBe(1_000);
    expect(retryDelayMs(new Error("not even an LLMError"), 2, { random: 0 })).toBe(2_000);
  });
});

describe("the delay the server asked for", () => {
  it.each([
    ["retry-after-ms", { "retry-after-ms": "300" }, 300],
    ["retry-after-ms, fractional", { "retry-after-ms": "12.5" }, 12.5],
    ["retry-after-ms of zero", { "retry-after-ms": "0" }, 0],
    ["retry-after in seconds", { "retry-after": "2" }, 2_000],
    ["retry-after in fractional seconds", { "retry-after": "1.5" }, 1_500],
    ["retry-after with spaces around it", { "retry-after": " 3 " }, 3_000],
    ["retry-after of zero", { "retry-after": "0" }, 0],
    ["retry-after-ms wins over retry-after", { "retry-after-ms": "250", "retry-after": "30" }, 250],
  ])("%s", (_, headers, expected) => {
    expect(serverDelayMs(headers, NOW)).toBe(expected);
    expect(retryDelayMs(rateLimit(headers), 0, { now: NOW, random: 0 })).toBe(expected);
  });

  it.each([
    ["IMF-fixdate", "Thu, 01 Jan 2026 12:00:05 GMT", 5_000],
    ["obsolete RFC 850 date", "Thursday, 01-Jan-26 12:00:05 GMT", 5_000],
    ["obsolete asctime date", "Thu Jan  1 12:00:05 2026", 5_000],
    ["date now", "Thu, 01 Jan 2026 12:00:00 GMT", 0],
    ["date in the past", "Wed, 31 Dec 2025 23:59:00 GMT", 0],
  ])("retry-after as an HTTP date, %s, relative to now", (_, date, expected) => {
    expect(serverDelayMs({ "retry-after": date }, NOW)).toBe(expected);
    expect(retryDelayMs(rateLimit({ "retry-after": date }), 0, { now: NOW, random: 0 })).toBe(
      expected,
    );
  });

  it("an asctime date is GMT whatever the local time zone", () => {
    const timeZone = process.env.TZ;
    // Node reads TZ again when it is assigned; Date.parse reads asctime (no zone) as local time.
    process.env.TZ = "America/New_York";
    try {
      expect(serverDelayMs({ "retry-after": "Thu Jan  1 12:00:05 2026" }, NOW)).toBe(5_000);
    } finally {
      if (timeZone === undefined) delete process.env.TZ;
      else process.env.TZ = timeZone;
    }
  });

  it(`up to ${MAX_SERVER_DELAY_MS} ms is waited; longer gives undefined (the error is thrown at once)`, () => {
    expect(MAX_SERVER_DELAY_MS).toBe(60_000);
    const delay = (headers: Record<string, string>) =>
      retryDelayMs(rateLimit(headers), 0, { now: NOW, random: 0 });
    expect(delay({ "retry-after": "60" })).toBe(60_000);
    expect(delay({ "retry-after-ms": "60001" })).toBeUndefined();
    expect(delay({ "retry-after": "3600" })).toBeUndefined();
    expect(delay({ "retry-after": "Thu, 01 Jan 2026 12:05:00 GMT" })).toBeUndefined();
  });
});

describe("a retry-after that is garbage or negative is ignored: normal backoff", () => {
  it.each([
    "-1",
    "-0.5",
    "garbage",
    "",
    "1.5.3",
    "5s",
    "Infinity",
    "NaN",
    "0x10",
    "1e3",
    "Monday 5",
    "Thu, 01 Jan 2026",
    "2026-01-01T12:00:05Z",
  ])("retry-after: %j", (value) => {
    expect(serverDelayMs({ "retry-after": value }, NOW)).toBeUndefined();
    expect(retryDelayMs(rateLimit({ "retry-after": value }), 2, { now: NOW, random: 0 })).toBe(
      2_000,
    );
  });

  it.each(["-1", "garbage", "", "5abc", "Infinity", "1e3"])(
    "retry-after-ms: %j (then retry-after, if any, is read)",
    (value) => {
      expect(serverDelayMs({ "retry-after-ms": value }, NOW)).toBeUndefined();
      expect(retryDelayMs(rateLimit({ "retry-after-ms": value }), 1, { now: NOW, random: 0 })).toBe(
        1_000,
      );
      expect(serverDelayMs({ "retry-after-ms": value, "retry-after": "2" }, NOW)).toBe(2_000);
    },
  );
});
