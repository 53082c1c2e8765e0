/** Anthropic's `stop_reason` as OpenAI's `finish_reason`. */
import type { FinishReason } from "../../types.js";

const FINISH_REASONS: Readonly<Record<string, FinishReason>> = {
  end_turn: "stop",
  stop_sequence: "stop",
  max_tokens: "length",
  model_context_window_exceeded: "length",
  tool_use: "tool_calls",
  refusal: "content_filter",
};

/**
 * Maps a stop reason: `end_turn` and `stop_sequence` -> `stop`, `max_tokens` (and
 * `model_context_window_exceeded`) -> `length`, `tool_use` -> `tool_calls`, `refusal` ->
 * `content_filter`. Any other reason is kept as Anthropic sent it: `pause_turn` (a long turn of
 * Anthropic's server tools, paused) has no OpenAI equivalent, and calling it `stop` would hide
 * that the answer is unfinished. Null while there is none.
 */
export function mapStopReason(reason: unknown): FinishReason | null {
  if (typeof reason !== "string") return null;
  return FINISH_REASONS[reason] ?? reason;
}
