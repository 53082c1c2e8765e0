/**
 * A `GenerateContentResponse` as OpenAI's `chat.completion`: candidates -> choices, parts ->
 * message (see `map-parts.ts`), `finishReason` -> `finish_reason`, `usageMetadata` -> `usage`,
 * `responseId` -> `id`, `modelVersion` -> `model`. A blocked prompt becomes an error object.
 */

import { isRecord, numberOf, stringOf } from "../../json-guards.js";
import { blockedPromptError } from "./blocked-prompt.js";
import { mapFinishReason } from "./map-finish-reason.js";
import { mapParts } from "./map-parts.js";
import { mapUsage } from "./map-usage.js";
import { createdOf, responseIdOf } from "./response-identity.js";

/**
 * Maps an answer of `model`. A body without `candidates` that blocked nothing is returned as
 * it is, for llmux to report as not a chat completion.
 */
export function mapChatResponse(
  body: Record<string, unknown>,
  model: string,
): Record<string, unknown> {
  const candidates = body.candidates;
  if (!Array.isArray(candidates) || candidates.length === 0) {
    const blocked = blockedPromptError(body.promptFeedback);
    if (blocked !== undefined) return blocked;
    if (!Array.isArray(candidates)) return body;
  }
  const response: Record<string, unknown> = {
    id: responseIdOf(body),
    object: "chat.completion",
    created: createdOf(body),
    model: stringOf(body.modelVersion) ?? model,
    choices: candidates.map(mapCandidate),
  };
  if (isRecord(body.usageMetadata)) response.usage = mapUsage(body.usageMetadata);
  return response;
}

function mapCandidate(candidate: unknown, position: number): Record<string, unknown> {
  const fields = isRecord(candidate) ? candidate : {};
  const parts = isRecord(fields.content) ? fields.content.parts : undefined;
  const { content, reasoning, toolCalls } = mapParts(parts, undefined);
  const message: Record<string, unknown> = { role: "assistant", content: content ?? null };
  if (reasoning !== undefined) message.reasoning_content = reasoning;
  if (toolCalls !== undefined) message.tool_calls = toolCalls;
  const reason = stringOf(fields.finishReason);
  return {
    index: numberOf(fields.index) ?? position,
    message,
    logprobs: null,
    // An answer without a reason (older models sent none on a plain reply) ended normally.
    finish_reason: mapFinishReason(reason ?? "STOP", toolCalls !== undefined),
  };
}
