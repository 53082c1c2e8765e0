/**
 * Where the Router's state lives on Redis: one hash tag per model group (a Redis Cluster keeps a
 * group's keys in one slot), and a key of its own per budget window.
 */

const MINUTE_MS = 60_000;

/** Where a group's keys live: one hash tag per group, so that a Redis Cluster keeps them in one slot. */
export function groupKeys(prefix: string, modelName: string, now: number) {
  // The tag is the group's name, encoded: braces in it must not end the tag early.
  const base = `${prefix}{${encodeURIComponent(modelName)}}`;
  return {
    minute: `${base}:m:${Math.floor(now / MINUTE_MS)}`,
    cooldowns: `${base}:cooldowns`,
    inFlight: `${base}:in-flight`,
    latency: `${base}:latency`,
  };
}

/**
 * Where a router's spend of one budget window lives: a key of its own (its own slot on a Redis
 * Cluster), updated with `INCRBYFLOAT` after each call of known cost, read back in the background
 * on each call.
 */
export function budgetKey(prefix: string, durationMs: number, window: number): string {
  return `${prefix}budget:{${durationMs}:${window}}`;
}
