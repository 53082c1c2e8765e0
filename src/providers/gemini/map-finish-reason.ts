/**
 * Gemini's `finishReason` as OpenAI's `finish_reason`: `STOP` -> `stop` (`tool_calls` when the
 * choice called functions: Gemini says STOP there too), `MAX_TOKENS` -> `length`, the safety
 * and policy reasons -> `content_filter`. Any other reason (`MALFORMED_FUNCTION_CALL`,
 * `UNEXPECTED_TOOL_CALL`, `LANGUAGE`, `OTHER`, ...) has no OpenAI equivalent and is given in
 * lower case (`malformed_function_call`): a caller can tell it apart, and none passes for a
 * clean `stop`.
 */

const CONTENT_FILTER_REASONS: ReadonlySet<string> = new Set([
  "SAFETY",
  "RECITATION",
  "BLOCKLIST",
  "PROHIBITED_CONTENT",
  "SPII",
  "IMAGE_SAFETY",
  "IMAGE_PROHIBITED_CONTENT",
  "IMAGE_RECITATION",
]);

/** Maps a `finishReason`; `calledTools` says whether the choice has function calls. */
export function mapFinishReason(reason: string, calledTools: boolean): string {
  if (reason === "STOP") return calledTools ? "tool_calls" : "stop";
  if (reason === "MAX_TOKENS") return "length";
  if (CONTENT_FILTER_REASONS.has(reason)) return "content_filter";
  return reason.toLowerCase();
}
