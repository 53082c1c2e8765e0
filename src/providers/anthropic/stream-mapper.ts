/**
 * The events of a Messages API stream as OpenAI `chat.completion.chunk`s:
 *
 * | Anthropic event | chunk |
 * |---|---|
 * | `message_start` | none: its id, model and usage are kept; the first chunk of content carries `role: "assistant"` |
 * | `content_block_start` `text` | its text, if any (held to the message's end when the call asked for JSON: see below) |
 * | `content_block_start` `tool_use` | `tool_calls: [{ index, id, type: "function", function: { name, arguments: "" } }]` |
 * | `content_block_start` `tool_use` of the answer tool (see `response-tool.ts`) | none: its input is the answer's `content` |
 * | `content_block_delta` `text_delta` | `content` |
 * | `content_block_delta` `input_json_delta` | `tool_calls: [{ index, function: { arguments } }]`, at the call's own index; `content` for the answer tool |
 * | `content_block_delta` `thinking_delta` | `reasoning_content` |
 * | `content_block_delta` `signature_delta` | none: kept for the block's end |
 * | `content_block_stop` of a thinking block | `thinking_blocks: [{ type: "thinking", thinking, signature }]`, the whole signed block |
 * | `content_block_stop` of a `redacted_thinking` block | `thinking_blocks: [{ type: "redacted_thinking", data }]` |
 * | `content_block_stop` of a tool call that got no arguments | `arguments: "{}"` (its input), as a non-streamed answer has |
 * | `message_delta` | `finish_reason` (see `map-stop-reason.ts`; `stop` when the answer tool was the only call); its usage kept (it overrides `message_start`'s) |
 * | `message_stop` | with `stream_options.include_usage` (llmux's default), the usage chunk: `choices: []`, `usage` |
 * | `ping`, and events of Anthropic's server tools | none |
 *
 * `error` events never get here: the shared stream reader throws them as the error they hold.
 */

import { isRecord } from "../../json-guards.js";
import type { StreamMapper, StreamMapperInput } from "../provider.js";
import { mapStopReason } from "./map-stop-reason.js";
import { mapUsage } from "./map-usage.js";
import { responseToolOf } from "./response-tool.js";

type Chunk = Record<string, unknown>;

/** Returned by events that make no chunk: one shared array, not one per event. */
const NO_CHUNKS: readonly Chunk[] = Object.freeze([]);

/** What a content block is, for the deltas that follow its start. */
const TEXT = 0;
const TOOL = 1;
const THINKING = 2;
const REDACTED = 3;
const OTHER = 4;
/** The answer tool's call: its input is streamed as `content`. */
const ANSWER = 5;

/** One open content block. Every field is set at its start, so all blocks share one shape. */
interface Block {
  kind: number;
  /** A tool call's index among the answer's tool calls (not the block index). */
  toolIndex: number;
  /** Whether any non-empty `input_json_delta` came. */
  hasArguments: boolean;
  /** The input the `tool_use` block started with. */
  input: unknown;
  /** The thinking text, in pieces: joined once, at the block's end. */
  thinking: string[];
  signature: string;
  /** A `redacted_thinking` block's data. */
  data: string;
}

function newBlock(kind: number): Block {
  return {
    kind,
    toolIndex: -1,
    hasArguments: false,
    input: undefined,
    thinking: [],
    signature: "",
    data: "",
  };
}

/** Copies the counts a usage object has: `message_delta`'s override `message_start`'s. */
function mergeUsage(into: Record<string, unknown>, from: unknown): void {
  if (!isRecord(from)) return;
  for (const key in from) {
    // `__proto__` (an own key after JSON.parse) would set the prototype instead of a count.
    if (from[key] !== null && from[key] !== undefined && key !== "__proto__") into[key] = from[key];
  }
}

/**
 * Makes the mapper of one stream. Its state (the message id, the open blocks, the usage) lives
 * in this closure: one per stream, none per event.
 */
export function createStreamMapper(input: StreamMapperInput): StreamMapper {
  const includeUsage = input.includeUsage;
  const created = Math.floor(Date.now() / 1000);
  let id = "";
  let model = input.model;
  /** Open blocks by their index in the message. */
  let blocks: (Block | undefined)[] = [];
  let toolCalls = 0;
  const usage: Record<string, unknown> = {};
  let hasUsage = false;
  /**
   * The role rides on the first chunk of content, not on a chunk of its own at `message_start`:
   * so an error event right after `message_start` (an overloaded model) still comes before the
   * first chunk, fails the attempt and is retried (or, through a Router, falls back).
   */
  let roleSent = false;

  const chunk = (delta: Chunk, finishReason: string | null): Chunk => {
    if (!roleSent) {
      roleSent = true;
      delta = { role: "assistant", ...delta };
    }
    return {
      id,
      object: "chat.completion.chunk",
      created,
      model,
      choices: [{ index: 0, delta, finish_reason: finishReason }],
    };
  };

  /** The tool whose call is the answer, when the call asked for JSON (see `response-tool.ts`). */
  const answerTool = responseToolOf(input.request);
  let answered = false;
  /**
   * With an answer tool, text is held, not streamed: the answer is the tool's input, and text
   * beside it (which the model should not write) would make the content no JSON. It is sent at
   * the message's end only when no answer came, as a non-streamed answer keeps it only then.
   */
  let heldText: string[] = [];
  /** The held text as one chunk, when no answer came; a new array either way. */
  const releaseHeldText = (): Chunk[] => {
    if (heldText.length === 0) return [];
    const content = heldText.join("");
    heldText = [];
    return [chunk({ content }, null)];
  };
  const text = (piece: unknown): readonly Chunk[] => {
    if (typeof piece !== "string" || piece === "") return NO_CHUNKS;
    if (answerTool === undefined) return [chunk({ content: piece }, null)];
    if (!answered) heldText.push(piece);
    return NO_CHUNKS;
  };

  const startBlock = (index: number, start: Record<string, unknown>): readonly Chunk[] => {
    switch (start.type) {
      case "text":
        blocks[index] = newBlock(TEXT);
        return text(start.text);
      case "tool_use": {
        if (answerTool !== undefined && start.name === answerTool) {
          const block = newBlock(ANSWER);
          block.input = start.input;
          blocks[index] = block;
          answered = true;
          heldText = [];
          return NO_CHUNKS;
        }
        const block = newBlock(TOOL);
        block.toolIndex = toolCalls++;
        block.input = start.input;
        blocks[index] = block;
        const call = {
          index: block.toolIndex,
          id: start.id,
          type: "function",
          function: { name: start.name, arguments: "" },
        };
        return [chunk({ tool_calls: [call] }, null)];
      }
      case "thinking": {
        const block = newBlock(THINKING);
        blocks[index] = block;
        const thinking = start.thinking;
        if (typeof thinking !== "string" || thinking === "") return NO_CHUNKS;
        block.thinking.push(thinking);
        return [chunk({ reasoning_content: thinking }, null)];
      }
      case "redacted_thinking": {
        const block = newBlock(REDACTED);
        block.data = typeof start.data === "string" ? start.data : "";
        blocks[index] = block;
        return NO_CHUNKS;
      }
      default:
        blocks[index] = newBlock(OTHER);
        return NO_CHUNKS;
    }
  };

  const addDelta = (block: Block | undefined, delta: Record<string, unknown>): readonly Chunk[] => {
    switch (delta.type) {
      case "text_delta":
        return text(delta.text);
      case "input_json_delta": {
        const piece = delta.partial_json;
        if (typeof piece !== "string" || piece === "") return NO_CHUNKS;
        if (block?.kind === ANSWER) {
          block.hasArguments = true;
          return [chunk({ content: piece }, null)];
        }
        if (block?.kind !== TOOL) return NO_CHUNKS;
        block.hasArguments = true;
        const call = { index: block.toolIndex, function: { arguments: piece } };
        return [chunk({ tool_calls: [call] }, null)];
      }
      case "thinking_delta": {
        const thinking = delta.thinking;
        if (typeof thinking !== "string" || thinking === "") return NO_CHUNKS;
        if (block?.kind === THINKING) block.thinking.push(thinking);
        return [chunk({ reasoning_content: thinking }, null)];
      }
      case "signature_delta":
        if (block?.kind === THINKING && typeof delta.signature === "string") {
          block.signature += delta.signature;
        }
        return NO_CHUNKS;
      default:
        return NO_CHUNKS;
    }
  };

  const stopBlock = (index: number): readonly Chunk[] => {
    const block = blocks[index];
    // Released at its end: a long answer's thinking is not held to the end of the stream.
    blocks[index] = undefined;
    if (block === undefined) return NO_CHUNKS;
    if (block.kind === THINKING) {
      const thinking = block.thinking.join("");
      const whole = { type: "thinking", thinking, signature: block.signature };
      return [chunk({ thinking_blocks: [whole] }, null)];
    }
    if (block.kind === REDACTED) {
      return [chunk({ thinking_blocks: [{ type: "redacted_thinking", data: block.data }] }, null)];
    }
    if (block.kind === ANSWER && !block.hasArguments) {
      return [chunk({ content: JSON.stringify(isRecord(block.input) ? block.input : {}) }, null)];
    }
    if (block.kind === TOOL && !block.hasArguments) {
      const args = JSON.stringify(isRecord(block.input) ? block.input : {});
      return [
        chunk({ tool_calls: [{ index: block.toolIndex, function: { arguments: args } }] }, null),
      ];
    }
    return NO_CHUNKS;
  };

  return (data) => {
    switch (data.type) {
      case "content_block_delta":
        return isRecord(data.delta) && typeof data.index === "number"
          ? addDelta(blocks[data.index], data.delta)
          : NO_CHUNKS;
      case "content_block_start":
        return isRecord(data.content_block) && typeof data.index === "number"
          ? startBlock(data.index, data.content_block)
          : NO_CHUNKS;
      case "content_block_stop":
        return typeof data.index === "number" ? stopBlock(data.index) : NO_CHUNKS;
      case "message_start": {
        const message = data.message;
        if (!isRecord(message)) return NO_CHUNKS;
        // One id for the whole stream, as OpenAI's chunks have, should a server send two starts.
        if (id === "" && typeof message.id === "string") id = message.id;
        if (typeof message.model === "string" && message.model !== "") model = message.model;
        blocks = [];
        mergeUsage(usage, message.usage);
        hasUsage ||= isRecord(message.usage);
        return NO_CHUNKS;
      }
      case "message_delta": {
        mergeUsage(usage, data.usage);
        hasUsage ||= isRecord(data.usage);
        let reason = isRecord(data.delta) ? mapStopReason(data.delta.stop_reason) : null;
        if (reason === "tool_calls" && answered && toolCalls === 0) reason = "stop";
        const chunks = releaseHeldText();
        if (reason !== null) chunks.push(chunk({}, reason));
        return chunks.length === 0 ? NO_CHUNKS : chunks;
      }
      case "message_stop": {
        // Held text is sent here when no `message_delta` came (a server that leaves it out).
        const chunks = releaseHeldText();
        if (includeUsage && hasUsage) {
          chunks.push({
            id,
            object: "chat.completion.chunk",
            created,
            model,
            choices: [],
            usage: mapUsage(usage),
          });
        }
        return chunks.length === 0 ? NO_CHUNKS : chunks;
      }
      default:
        return NO_CHUNKS;
    }
  };
}
