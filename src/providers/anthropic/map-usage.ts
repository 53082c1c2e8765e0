/**
 * Anthropic's `usage` in OpenAI's shape. Anthropic counts the prompt in three parts (uncached
 * `input_tokens`, `cache_creation_input_tokens` written to the cache, `cache_read_input_tokens`
 * read from it); OpenAI's `prompt_tokens` is all of them.
 */

import { isRecord } from "../../json-guards.js";
import type { Usage } from "../../types.js";

/**
 * Maps a `usage` object:
 * - `prompt_tokens` = input + cache writes + cache reads; `completion_tokens` = output;
 *   `total_tokens` their sum;
 * - `prompt_tokens_details`: `cached_tokens` (reads) and `cache_creation_tokens` (writes);
 * - `completion_tokens_details.reasoning_tokens` from `output_tokens_details.thinking_tokens`,
 *   when Anthropic counts them;
 * - `cache_creation_input_tokens` and `cache_read_input_tokens` kept as Anthropic names them (as
 *   LiteLLM keeps them), for cost tracking (writes and reads are priced differently).
 */
export function mapUsage(usage: Record<string, unknown>): Usage {
  const input = count(usage.input_tokens);
  const cacheWrites = count(usage.cache_creation_input_tokens);
  const cacheReads = count(usage.cache_read_input_tokens);
  const output = count(usage.output_tokens);
  const prompt = input + cacheWrites + cacheReads;
  const mapped: Usage = {
    prompt_tokens: prompt,
    completion_tokens: output,
    total_tokens: prompt + output,
    prompt_tokens_details: { cached_tokens: cacheReads, cache_creation_tokens: cacheWrites },
    cache_creation_input_tokens: cacheWrites,
    cache_read_input_tokens: cacheReads,
  };
  const details = usage.output_tokens_details;
  if (isRecord(details) && typeof details.thinking_tokens === "number") {
    mapped.completion_tokens_details = { reasoning_tokens: details.thinking_tokens };
  }
  return mapped;
}

function count(value: unknown): number {
  return typeof value === "number" ? value : 0;
}
