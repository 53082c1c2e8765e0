/**
 * Gemini's `usageMetadata` as OpenAI's `usage`, by OpenAI's conventions:
 * - `prompt_tokens`: `promptTokenCount` (which counts cached tokens) plus
 *   `toolUsePromptTokenCount` (results of Gemini's own tools, read as input);
 * - `completion_tokens`: `candidatesTokenCount` plus `thoughtsTokenCount`, as OpenAI counts
 *   reasoning tokens in the completion (and Gemini bills thoughts as output);
 * - `total_tokens`: `totalTokenCount`, which is the sum of all four;
 * - `prompt_tokens_details.cached_tokens`: `cachedContentTokenCount`, when Gemini sends it;
 * - `completion_tokens_details.reasoning_tokens`: `thoughtsTokenCount`, when Gemini sends it.
 */

import { numberOf } from "../../json-guards.js";
import type { Usage } from "../../types.js";

/** Maps one `usageMetadata` object. */
export function mapUsage(metadata: Record<string, unknown>): Usage {
  const thoughts = numberOf(metadata.thoughtsTokenCount);
  const cached = numberOf(metadata.cachedContentTokenCount);
  const prompt =
    (numberOf(metadata.promptTokenCount) ?? 0) + (numberOf(metadata.toolUsePromptTokenCount) ?? 0);
  const completion = (numberOf(metadata.candidatesTokenCount) ?? 0) + (thoughts ?? 0);
  const usage: Usage = {
    prompt_tokens: prompt,
    completion_tokens: completion,
    total_tokens: numberOf(metadata.totalTokenCount) ?? prompt + completion,
  };
  if (cached !== undefined) usage.prompt_tokens_details = { cached_tokens: cached };
  if (thoughts !== undefined) usage.completion_tokens_details = { reasoning_tokens: thoughts };
  return usage;
}
