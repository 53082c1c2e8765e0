/**
 * An Anthropic `Message` as OpenAI's `chat.completion`:
 *
 * | Anthropic | OpenAI |
 * |---|---|
 * | `text` blocks | `message.content`, joined (null when there is none) |
 * | `thinking` blocks | `message.reasoning_content`, joined; the signed blocks, and `redacted_thinking` ones, on `message.thinking_blocks` |
 * | `tool_use` blocks | `message.tool_calls` (`arguments`: `JSON.stringify(input)`) |
 * | the `tool_use` block of the answer tool (see `response-tool.ts`) | `message.content`: `JSON.stringify(input)` |
 * | `stop_reason` | `finish_reason` (see `map-stop-reason.ts`); `stop` when the answer tool was the only call |
 * | `usage` | `usage` (see `map-usage.ts`) |
 * | `id`, `model` | the same; `created` is the time of the answer |
 *
 * Blocks of Anthropic's server tools (`server_tool_use`, `web_search_tool_result`, ...) have no
 * OpenAI equivalent and are left out; citations on text blocks too.
 */

import { isRecord } from "../../json-guards.js";
import type { ChatCompletionMessage, ChatCompletionMessageToolCall } from "../../types.js";
import { mapStopReason } from "./map-stop-reason.js";
import { mapUsage } from "./map-usage.js";
import type { AnthropicThinkingBlock } from "./thinking-block.js";

/**
 * Maps a parsed Messages API answer; a body that is no `Message` is returned as it is.
 * `answerTool` names the tool whose call is the answer, when the call asked for JSON.
 */
export function mapResponse(
  body: Record<string, unknown>,
  answerTool?: string,
): Record<string, unknown> {
  const content = body.content;
  if (!Array.isArray(content)) return body;
  const texts: string[] = [];
  const thoughts: string[] = [];
  const thinkingBlocks: AnthropicThinkingBlock[] = [];
  const toolCalls: ChatCompletionMessageToolCall[] = [];
  let answer: string | undefined;
  for (const block of content) {
    if (!isRecord(block)) continue;
    switch (block.type) {
      case "text":
        // Empty text adds nothing, as in a stream, where it sends no delta.
        if (typeof block.text === "string" && block.text !== "") texts.push(block.text);
        break;
      case "thinking": {
        const thinking = typeof block.thinking === "string" ? block.thinking : "";
        if (thinking !== "") thoughts.push(thinking);
        thinkingBlocks.push({
          type: "thinking",
          thinking,
          signature: String(block.signature ?? ""),
        });
        break;
      }
      case "redacted_thinking":
        thinkingBlocks.push({ type: "redacted_thinking", data: String(block.data ?? "") });
        break;
      case "tool_use":
        if (answerTool !== undefined && block.name === answerTool) {
          // Two answers (one tool call a turn is asked for) are joined, as a stream joins them:
          // no JSON, so an OutputParseError rather than one answer silently chosen.
          answer = (answer ?? "") + JSON.stringify(block.input ?? {});
          break;
        }
        toolCalls.push({
          id: String(block.id ?? ""),
          type: "function",
          function: {
            name: String(block.name ?? ""),
            arguments: JSON.stringify(block.input ?? {}),
          },
        });
        break;
    }
  }
  // The answer tool's input is the whole answer: any text beside it (the model rarely writes
  // any when made to call a tool) would not parse with it, so the JSON alone is the content.
  const message: ChatCompletionMessage = {
    role: "assistant",
    content: answer ?? (texts.length > 0 ? texts.join("") : null),
  };
  if (toolCalls.length > 0) message.tool_calls = toolCalls;
  if (thoughts.length > 0) message.reasoning_content = thoughts.join("");
  if (thinkingBlocks.length > 0) message.thinking_blocks = thinkingBlocks;
  let finishReason = mapStopReason(body.stop_reason);
  if (answer !== undefined && finishReason === "tool_calls" && toolCalls.length === 0) {
    finishReason = "stop";
  }
  const mapped: Record<string, unknown> = {
    id: body.id,
    object: "chat.completion",
    created: Math.floor(Date.now() / 1000),
    model: body.model,
    choices: [{ index: 0, message, finish_reason: finishReason, logprobs: null }],
  };
  if (isRecord(body.usage)) mapped.usage = mapUsage(body.usage);
  return mapped;
}
