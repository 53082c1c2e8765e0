/**
 * `mockResponse`: answers a call with a given text, without network or key, in the shapes a real
 * answer has (a `chat.completion`, or chunks ending with a usage chunk).
 */
import type { ChunkSource } from "../stream/chunk-reader.js";
import type { ModelResponse, ModelResponseStream, Usage } from "../types.js";
import { attachHiddenParams, noRequestHiddenParams } from "./hidden-params.js";

/** A rough token count (4 characters a token), enough for a mock's `usage`. */
function estimateTokens(text: string): number {
  return Math.max(1, Math.ceil(text.length / 4));
}

function promptText(messages: readonly { content?: unknown }[]): string {
  return messages
    .map((message) =>
      typeof message.content === "string" ? message.content : JSON.stringify(message.content ?? ""),
    )
    .join("\n");
}

function mockUsage(messages: readonly { content?: unknown }[], content: string): Usage {
  const promptTokens = estimateTokens(promptText(messages));
  const completionTokens = estimateTokens(content);
  return {
    prompt_tokens: promptTokens,
    completion_tokens: completionTokens,
    total_tokens: promptTokens + completionTokens,
  };
}

let mockCounter = 0;
const mockId = () => `chatcmpl-mock-${Date.now().toString(36)}${(mockCounter++).toString(36)}`;

/** The `chat.completion` a mock call answers with. */
export function createMockResponse(
  provider: string,
  model: string,
  messages: readonly { content?: unknown }[],
  content: string,
): ModelResponse {
  const response = {
    id: mockId(),
    object: "chat.completion" as const,
    created: Math.floor(Date.now() / 1000),
    model,
    system_fingerprint: null,
    choices: [
      {
        index: 0,
        message: { role: "assistant" as const, content },
        finish_reason: "stop",
      },
    ],
    usage: mockUsage(messages, content),
  };
  return attachHiddenParams(response, noRequestHiddenParams(provider)) as ModelResponse;
}

/** Splits text into word-sized pieces (at least two when it has two characters). */
function splitContent(content: string): string[] {
  const pieces = content.match(/\s*\S+\s*/g) ?? [];
  if (pieces.length >= 2 || content.length < 2) return pieces.length === 0 ? [content] : pieces;
  const middle = Math.ceil(content.length / 2);
  return [content.slice(0, middle), content.slice(middle)];
}

/** The chunks a mock stream yields: role, content pieces, finish, then usage (unless turned off). */
export function createMockChunks(
  model: string,
  messages: readonly { content?: unknown }[],
  content: string,
  includeUsage: boolean,
): ModelResponseStream[] {
  const id = mockId();
  const created = Math.floor(Date.now() / 1000);
  const chunk = (choices: ModelResponseStream["choices"]): ModelResponseStream => ({
    id,
    object: "chat.completion.chunk",
    created,
    model,
    choices,
  });
  const chunks = [
    chunk([{ index: 0, delta: { role: "assistant", content: "" }, finish_reason: null }]),
  ];
  for (const piece of splitContent(content)) {
    chunks.push(chunk([{ index: 0, delta: { content: piece }, finish_reason: null }]));
  }
  chunks.push(chunk([{ index: 0, delta: {}, finish_reason: "stop" }]));
  if (includeUsage) chunks.push({ ...chunk([]), usage: mockUsage(messages, content) });
  return chunks;
}

/** A `ChunkSource` over prepared chunks, honouring the caller's signal. */
export function createMockSource(
  chunks: ModelResponseStream[],
  signal: AbortSignal | undefined,
): ChunkSource {
  let index = 0;
  let closed = false;
  return {
    async next() {
      signal?.throwIfAborted();
      if (closed || index >= chunks.length) return undefined;
      return chunks[index++];
    },
    close() {
      closed = true;
    },
  };
}
