/**
 * A stream's usage, merged over the chunks that carry it: providers split it (prompt tokens
 * early, completion tokens late) or repeat it, and `streamChunkBuilder` must lose neither.
 */
import { isRecord } from "../json-guards.js";
import type { Usage } from "../types.js";

type Fields = Record<string, unknown>;

/**
 * Merges one chunk's `usage` into the usage gathered so far: each field's last non-null value
 * wins, `*_tokens_details` field by field, so a provider that sends prompt tokens early and
 * completion tokens late loses neither. A 0 does not replace an earlier non-zero count:
 * gateways write 0 for "not counted in this chunk", and a stream's counts never go down.
 */
export function mergeUsage(into: Fields, from: Fields): void {
  for (const [key, value] of Object.entries(from)) {
    if (value == null || key === "__proto__") continue;
    const current = into[key];
    if (isRecord(value)) {
      // A fresh object, so the rebuilt response shares nothing with the chunks.
      const nested: Fields = isRecord(current) ? current : {};
      mergeUsage(nested, value);
      into[key] = nested;
    } else if (!(value === 0 && typeof current === "number" && current !== 0)) {
      into[key] = value;
    }
  }
}

/**
 * One usage chunk is returned as sent. Merged from several, its `total_tokens` may be a single
 * chunk's partial count (or absent): it is raised to prompt + completion, never lowered, since a
 * provider may count more in the total than in its parts (Gemini counts thinking tokens there).
 */
export function finishUsage(usage: Fields, usageChunks: number): Usage {
  if (usageChunks > 1) {
    const sum = count(usage.prompt_tokens) + count(usage.completion_tokens);
    if (count(usage.total_tokens) < sum) usage.total_tokens = sum;
  }
  return usage as Usage;
}

function count(value: unknown): number {
  return typeof value === "number" ? value : 0;
}
