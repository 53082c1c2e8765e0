/**
 * A candidate's `content.parts` (a whole answer's, or one stream event's) in OpenAI's terms:
 * text parts joined as `content`, `thought: true` parts joined as `reasoning_content`,
 * `functionCall` parts as tool calls. A call's `thoughtSignature` is kept on the call as
 * `extra_content.google.thought_signature` (the name Gemini's own OpenAI-compatible endpoint
 * uses), from where it is sent back. Other parts (`inlineData` images of image models,
 * `executableCode`, `codeExecutionResult`) have no place in a chat message and are left out,
 * as are the signatures Gemini puts on text parts (optional to send back, and a message has
 * nowhere to keep one per part).
 */

import { isRecord, stringOf } from "../../json-guards.js";
import { createToolCallId } from "./create-tool-call-id.js";

/** What parts add to a message, or to a delta. */
export interface MappedParts {
  content: string | undefined;
  reasoning: string | undefined;
  /** OpenAI tool calls; with `index` when mapped for a stream. */
  toolCalls: Record<string, unknown>[] | undefined;
}

/**
 * Maps `parts`. For a stream, `firstToolIndex` is the index the first call gets (the calls the
 * choice made in earlier events come before); for a whole answer it is undefined and calls get
 * no `index`.
 */
export function mapParts(parts: unknown, firstToolIndex: number | undefined): MappedParts {
  const mapped: MappedParts = { content: undefined, reasoning: undefined, toolCalls: undefined };
  if (!Array.isArray(parts)) return mapped;
  for (let position = 0; position < parts.length; position++) {
    const part: unknown = parts[position];
    if (!isRecord(part)) continue;
    const text = part.text;
    if (typeof text === "string") {
      // Gemini ends streams (and some answers) with an empty text part carrying a signature.
      if (text === "") continue;
      if (part.thought === true) {
        mapped.reasoning = mapped.reasoning === undefined ? text : mapped.reasoning + text;
      } else {
        mapped.content = mapped.content === undefined ? text : mapped.content + text;
      }
      continue;
    }
    const call = part.functionCall;
    // A call without a name is a piece of Vertex AI's streamed arguments, which llmux does not
    // ask for.
    const name = isRecord(call) ? stringOf(call.name) : undefined;
    if (!isRecord(call) || name === undefined) continue;
    const toolCalls = mapped.toolCalls ?? [];
    const toolCall: Record<string, unknown> = {};
    if (firstToolIndex !== undefined) toolCall.index = firstToolIndex + toolCalls.length;
    toolCall.id = stringOf(call.id) ?? createToolCallId();
    toolCall.type = "function";
    toolCall.function = { name, arguments: JSON.stringify(isRecord(call.args) ? call.args : {}) };
    const signature = stringOf(part.thoughtSignature);
    if (signature !== undefined) {
      toolCall.extra_content = { google: { thought_signature: signature } };
    }
    toolCalls.push(toolCall);
    mapped.toolCalls = toolCalls;
  }
  return mapped;
}
