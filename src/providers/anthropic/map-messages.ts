/**
 * OpenAI's `messages` as Anthropic's `system` and `messages`: system and developer messages
 * become `system`; assistant `tool_calls` become `tool_use` blocks (after the signed thinking
 * blocks of `thinking_blocks`); `tool` messages become `tool_result` blocks of a user message;
 * and consecutive messages of one role are merged, since Anthropic wants the roles to alternate.
 */

import { isRecord } from "../../json-guards.js";
import { createRequestError, type RequestContext } from "../shared/create-request-error.js";
import { type ContentBlock, mapContentPart, textBlock } from "./map-content-part.js";

/** One message of Anthropic's `messages`. */
interface AnthropicMessage {
  role: "user" | "assistant";
  content: ContentBlock[] | string;
}

/** What `messages` becomes. */
export interface MappedMessages {
  /** The system prompt: a string, text blocks (several messages, or `cache_control`), or none. */
  system: string | ContentBlock[] | undefined;
  messages: AnthropicMessage[];
}

/**
 * Maps a call's `messages`. System messages anywhere in the conversation go to `system`, in
 * order (the Messages API has no system role). An assistant message left empty (no text, no tool
 * call, no thinking block) is left out, since Anthropic refuses empty content.
 * @throws {BadRequestError} for what the Messages API cannot take; the error names the field.
 */
export function mapMessages(messages: unknown, context: RequestContext): MappedMessages {
  if (!Array.isArray(messages)) {
    throw createRequestError(context, "messages", "is not an array", "Give chat messages.");
  }
  const system: ContentBlock[] = [];
  const mapped: AnthropicMessage[] = [];
  for (let index = 0; index < messages.length; index++) {
    const message: unknown = messages[index];
    const path = `messages[${index}]`;
    if (!isRecord(message)) {
      throw createRequestError(context, path, "is not a message", "Give `{ role, content }`.");
    }
    switch (message.role) {
      case "system":
      case "developer":
        system.push(...withCacheControl(textBlocks(message.content, path, context), message));
        break;
      case "user":
        append(mapped, "user", withCacheControl(userBlocks(message, path, context), message));
        break;
      case "assistant":
        append(
          mapped,
          "assistant",
          withCacheControl(assistantBlocks(message, path, context), message),
        );
        break;
      case "tool":
        append(mapped, "user", withCacheControl([toolResult(message, path, context)], message));
        break;
      default:
        throw createRequestError(
          context,
          `${path}.role`,
          `is ${JSON.stringify(message.role)}`,
          "Give system, developer, user, assistant or tool.",
        );
    }
  }
  for (const message of mapped) message.content = compact(message.content);
  const compacted = compact(system);
  return { system: system.length === 0 ? undefined : compacted, messages: mapped };
}

/** Adds blocks to the last message when it has the same role, else as a new message. */
function append(
  messages: AnthropicMessage[],
  role: "user" | "assistant",
  blocks: ContentBlock[],
): void {
  if (blocks.length === 0) return;
  const last = messages.at(-1);
  if (last !== undefined && last.role === role && Array.isArray(last.content)) {
    last.content.push(...blocks);
  } else {
    messages.push({ role, content: blocks });
  }
}

/** A lone plain text block reads better on the wire as a string, as Anthropic's docs write it. */
function compact(blocks: ContentBlock[] | string): ContentBlock[] | string {
  if (typeof blocks === "string" || blocks.length !== 1) return blocks;
  const [block] = blocks;
  if (block === undefined || block.type !== "text" || Object.keys(block).length !== 2) {
    return blocks;
  }
  return String(block.text);
}

/**
 * A message-level `cache_control` (as LiteLLM takes it) marks the message's last block: Anthropic
 * caches the prompt up to and including the block that carries it.
 */
function withCacheControl(
  blocks: ContentBlock[],
  message: Record<string, unknown>,
): ContentBlock[] {
  const last = blocks.at(-1);
  if (message.cache_control !== undefined && last !== undefined) {
    last.cache_control = message.cache_control;
  }
  return blocks;
}

/** Text content (a string, or text parts) as text blocks. */
function textBlocks(content: unknown, path: string, context: RequestContext): ContentBlock[] {
  if (typeof content === "string") return [textBlock(content)];
  if (!Array.isArray(content)) {
    throw createRequestError(
      context,
      `${path}.content`,
      "is neither a string nor text parts",
      "Give a string.",
    );
  }
  return content.map((part: unknown, index) => {
    if (isRecord(part) && part.type === "text" && typeof part.text === "string") {
      return textBlock(part.text, part);
    }
    throw createRequestError(
      context,
      `${path}.content[${index}]`,
      "is not a text part",
      'Give `{ type: "text", text }`.',
    );
  });
}

function userBlocks(
  message: Record<string, unknown>,
  path: string,
  context: RequestContext,
): ContentBlock[] {
  const content = message.content;
  if (typeof content === "string") return [textBlock(content)];
  if (!Array.isArray(content)) {
    throw createRequestError(
      context,
      `${path}.content`,
      "is neither a string nor content parts",
      "Give a string, or text and image_url parts.",
    );
  }
  return content.map((part: unknown, index) =>
    mapContentPart(part, `${path}.content[${index}]`, context),
  );
}

/** Signed thinking blocks first (Anthropic requires it), then text, then tool calls. */
function assistantBlocks(
  message: Record<string, unknown>,
  path: string,
  context: RequestContext,
): ContentBlock[] {
  const blocks = thinkingBlocks(message.thinking_blocks, `${path}.thinking_blocks`, context);
  const content = message.content;
  if (typeof content === "string") {
    // OpenAI histories carry `content: ""` beside tool calls; Anthropic refuses empty text.
    if (content !== "") blocks.push(textBlock(content));
  } else if (Array.isArray(content)) {
    content.forEach((part: unknown, index) => {
      if (isRecord(part) && part.type === "text" && typeof part.text === "string") {
        if (part.text !== "") blocks.push(textBlock(part.text, part));
      } else if (isRecord(part) && part.type === "refusal" && typeof part.refusal === "string") {
        blocks.push(textBlock(part.refusal, part));
      } else {
        throw createRequestError(
          context,
          `${path}.content[${index}]`,
          "is neither a text nor a refusal part",
          'Give `{ type: "text", text }`.',
        );
      }
    });
  }
  const toolCalls = message.tool_calls;
  if (Array.isArray(toolCalls)) {
    toolCalls.forEach((call: unknown, index) => {
      blocks.push(toolUse(call, `${path}.tool_calls[${index}]`, context));
    });
  }
  return blocks;
}

/**
 * The signed thinking blocks of an earlier answer (`message.thinking_blocks`), sent back as they
 * came: Anthropic checks their signatures, and needs them to go on with a tool call made while
 * thinking. `reasoning_content` alone has no signature, so it is not sent.
 */
function thinkingBlocks(value: unknown, path: string, context: RequestContext): ContentBlock[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) {
    throw createRequestError(
      context,
      path,
      "is not an array",
      "Give the blocks an answer carried.",
    );
  }
  return value.map((block: unknown, index) => {
    if (isRecord(block)) {
      if (
        block.type === "thinking" &&
        typeof block.thinking === "string" &&
        typeof block.signature === "string"
      ) {
        return { type: "thinking", thinking: block.thinking, signature: block.signature };
      }
      if (block.type === "redacted_thinking" && typeof block.data === "string") {
        return { type: "redacted_thinking", data: block.data };
      }
    }
    throw createRequestError(
      context,
      `${path}[${index}]`,
      "is not a signed thinking block",
      'Give `{ type: "thinking", thinking, signature }` or `{ type: "redacted_thinking", data }` as an answer carried them.',
    );
  });
}

/** An OpenAI tool call as a `tool_use` block, its JSON arguments parsed into `input`. */
function toolUse(call: unknown, path: string, context: RequestContext): ContentBlock {
  const fn = isRecord(call) ? call.function : undefined;
  if (!isRecord(call) || !isRecord(fn) || typeof fn.name !== "string") {
    throw createRequestError(
      context,
      path,
      "is not a function tool call",
      'Give `{ id, type: "function", function: { name, arguments } }`.',
    );
  }
  const text = typeof fn.arguments === "string" ? fn.arguments.trim() : "";
  let input: unknown = {};
  try {
    // A call without arguments may come back as "" (OpenAI streams build them that way).
    if (text !== "") input = JSON.parse(text);
  } catch {
    input = undefined;
  }
  if (!isRecord(input)) {
    throw createRequestError(
      context,
      `${path}.function.arguments`,
      "is not a JSON object",
      "Give the arguments as the model sent them: a JSON object, as a string.",
    );
  }
  return { type: "tool_use", id: call.id, name: fn.name, input };
}

/** A `tool` message as a `tool_result` block, for the user message it joins. */
function toolResult(
  message: Record<string, unknown>,
  path: string,
  context: RequestContext,
): ContentBlock {
  const content = message.content;
  return {
    type: "tool_result",
    tool_use_id: message.tool_call_id,
    content: typeof content === "string" ? content : textBlocks(content, path, context),
  };
}
