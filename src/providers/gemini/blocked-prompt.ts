/**
 * A prompt Gemini refused to answer (`promptFeedback.blockReason`, and no candidates) as the
 * OpenAI error object llmux throws: status 400, code `content_filter`, which llmux's classifier
 * reads as a `ContentPolicyViolationError`.
 */
import { isRecord, stringOf } from "../../json-guards.js";

/** The error for a blocked prompt, or undefined when `feedback` blocked nothing. */
export function blockedPromptError(feedback: unknown): Record<string, unknown> | undefined {
  const reason = isRecord(feedback) ? stringOf(feedback.blockReason) : undefined;
  if (!isRecord(feedback) || reason === undefined) return undefined;
  const detail = stringOf(feedback.blockReasonMessage);
  return {
    error: {
      message: `Gemini blocked the prompt (blockReason ${reason}${detail === undefined ? "" : `: ${detail}`}) and gave no answer. Rephrase the prompt, or review the request's safetySettings.`,
      type: "invalid_request_error",
      code: "content_filter",
      param: null,
      status: 400,
    },
  };
}
