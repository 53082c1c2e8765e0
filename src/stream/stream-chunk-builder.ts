/** Rebuilds one `ModelResponse` from the chunks of a stream, as LiteLLM's `stream_chunk_builder`. */

import { attachHiddenParams, noRequestHiddenParams } from "../calls/hidden-params.js";
import { BadRequestError } from "../errors/errors.js";
import { isRecord } from "../json-guards.js";
import type {
  AnthropicThinkingBlock,
  ChatCompletionAudio,
  ChatCompletionMessage,
  ChatCompletionMessageToolCall,
  Choice,
  ChoiceLogprobs,
  ModelResponse,
  ModelResponseStream,
  TokenLogprob,
} from "../types.js";
import { finishUsage, mergeUsage } from "./merge-usage.js";

type Fields = Record<string, unknown>;

interface ToolCallBuilder {
  id: string;
  type: "function" | "custom" | undefined;
  name: string;
  /** `function.arguments` pieces, or a custom tool's `custom.input` pieces. */
  pieces: string[];
  extra: Fields;
}

interface AudioBuilder {
  id: string;
  data: string[];
  transcript: string[];
  expiresAt: number | undefined;
  extra: Fields;
}

interface LogprobsBuilder {
  content: TokenLogprob[] | null;
  refusal: TokenLogprob[] | null;
  extra: Fields;
}

interface ChoiceBuilder {
  content: string[];
  reasoning: string[];
  refusal: string[];
  /** Anthropic's signed thinking blocks (`delta.thinking_blocks`), kept to be sent back. */
  thinkingBlocks: AnthropicThinkingBlock[];
  toolCalls: Map<number, ToolCallBuilder>;
  audio: AudioBuilder | undefined;
  finishReason: string | null;
  logprobs: LogprobsBuilder | undefined;
}

const TOOL_CALL_KEYS = new Set(["index", "id", "type", "function", "custom"]);
const AUDIO_KEYS = new Set(["id", "data", "transcript", "expires_at"]);
const LOGPROBS_KEYS = new Set(["content", "refusal"]);

/**
 * Rebuilds the `ModelResponse` a non-streamed call would have given, from a stream's chunks:
 * - `content`, `refusal` and `reasoning_content` joined per choice (choices by `index`);
 * - `tool_calls` assembled by `index`: function `arguments` or a custom tool's `input` joined,
 *   `type` kept, `id` and name from the first delta that has them (not always the first delta),
 *   and fields a provider adds (Gemini's `extra_content`) kept, the last non-null value of each;
 * - `audio`: `id`, `data` and `transcript` joined, the last `expires_at`;
 * - `logprobs.content` and `logprobs.refusal` each concatenated, null where no chunk sent any;
 * - the last non-null `finish_reason`, `system_fingerprint` and `service_tier`;
 * - `id`, `model` and `created` from the first chunk that has them non-empty;
 * - `usage` merged over the chunks that carry it: a field's last non-null value wins (details
 *   field by field), so prompt tokens sent early and completion tokens sent late are both kept.
 *   Usage is never estimated (LiteLLM counts the call's messages; llmux has no tokenizer), so a
 *   stream without `stream_options: { include_usage: true }` gives no `usage`.
 *
 * Per-chunk fields (such as OpenAI's `obfuscation` padding) are not copied.
 *
 * @throws {BadRequestError} when `chunks` is not an array of chunk objects.
 * @example
 * const chunks = [];
 * for await (const chunk of stream) chunks.push(chunk);
 * const response = streamChunkBuilder(chunks);
 */
export function streamChunkBuilder(chunks: readonly ModelResponseStream[]): ModelResponse {
  if (!Array.isArray(chunks))
    throw invalid(`chunks must be ${ARRAY_OF_CHUNKS}, not ${kind(chunks)}`);
  let id = "";
  let model = "";
  let created = 0;
  let systemFingerprint: string | undefined;
  let serviceTier: string | undefined;
  let usage: Fields | undefined;
  let usageChunks = 0;
  const choices = new Map<number, ChoiceBuilder>();

  chunks.forEach((chunk: unknown, chunkIndex) => {
    if (!isRecord(chunk)) {
      throw invalid(
        `chunks must be ${ARRAY_OF_CHUNKS}, but chunks[${chunkIndex}] is ${kind(chunk)}`,
      );
    }
    if (id === "" && typeof chunk.id === "string") id = chunk.id;
    if (model === "" && typeof chunk.model === "string") model = chunk.model;
    if (created === 0 && typeof chunk.created === "number") created = chunk.created;
    if (typeof chunk.system_fingerprint === "string") systemFingerprint = chunk.system_fingerprint;
    if (typeof chunk.service_tier === "string") serviceTier = chunk.service_tier;
    if (isRecord(chunk.usage)) {
      usage ??= {};
      mergeUsage(usage, chunk.usage);
      usageChunks += 1;
    }
    const streamChoices = chunk.choices ?? [];
    if (!Array.isArray(streamChoices)) {
      throw invalid(`chunks[${chunkIndex}].choices must be an array, not ${kind(streamChoices)}`);
    }
    streamChoices.forEach((streamChoice: unknown, position) => {
      if (!isRecord(streamChoice)) {
        throw invalid(
          `chunks[${chunkIndex}].choices[${position}] must be an object, not ${kind(streamChoice)}`,
        );
      }
      const index = typeof streamChoice.index === "number" ? streamChoice.index : 0;
      let choice = choices.get(index);
      if (choice === undefined) {
        choice = newChoice();
        choices.set(index, choice);
      }
      addDelta(choice, isRecord(streamChoice.delta) ? streamChoice.delta : {});
      if (typeof streamChoice.finish_reason === "string") {
        choice.finishReason = streamChoice.finish_reason;
      }
      if (isRecord(streamChoice.logprobs)) {
        choice.logprobs ??= { content: null, refusal: null, extra: {} };
        addLogprobs(choice.logprobs, streamChoice.logprobs);
      }
    });
  });

  const response = {
    id,
    object: "chat.completion" as const,
    created,
    model,
    ...(systemFingerprint === undefined ? {} : { system_fingerprint: systemFingerprint }),
    ...(serviceTier === undefined ? {} : { service_tier: serviceTier }),
    choices: [...choices.entries()]
      .sort(([a], [b]) => a - b)
      .map(([index, choice]) => toChoice(index, choice)),
    ...(usage === undefined ? {} : { usage: finishUsage(usage, usageChunks) }),
  };
  return attachHiddenParams(response, noRequestHiddenParams("")) as ModelResponse;
}

function newChoice(): ChoiceBuilder {
  return {
    content: [],
    reasoning: [],
    refusal: [],
    thinkingBlocks: [],
    toolCalls: new Map(),
    audio: undefined,
    finishReason: null,
    logprobs: undefined,
  };
}

function addDelta(choice: ChoiceBuilder, delta: Fields): void {
  if (typeof delta.content === "string") choice.content.push(delta.content);
  if (typeof delta.reasoning_content === "string") choice.reasoning.push(delta.reasoning_content);
  if (typeof delta.refusal === "string") choice.refusal.push(delta.refusal);
  if (Array.isArray(delta.thinking_blocks)) {
    // As the Anthropic stream mapper makes them: whole signed blocks, sent once each.
    choice.thinkingBlocks.push(...(delta.thinking_blocks as AnthropicThinkingBlock[]));
  }
  if (Array.isArray(delta.tool_calls)) {
    for (const toolDelta of delta.tool_calls) {
      if (isRecord(toolDelta)) addToolCallDelta(choice.toolCalls, toolDelta);
    }
  }
  if (isRecord(delta.audio)) {
    choice.audio ??= { id: "", data: [], transcript: [], expiresAt: undefined, extra: {} };
    addAudio(choice.audio, delta.audio);
  }
}

function addToolCallDelta(calls: Map<number, ToolCallBuilder>, delta: Fields): void {
  const index = typeof delta.index === "number" ? delta.index : calls.size;
  let call = calls.get(index);
  if (call === undefined) {
    call = { id: "", type: undefined, name: "", pieces: [], extra: {} };
    calls.set(index, call);
  }
  if (call.id === "" && typeof delta.id === "string") call.id = delta.id;
  const custom = isRecord(delta.custom) ? delta.custom : undefined;
  if (call.type === undefined) {
    if (delta.type === "custom" || delta.type === "function") call.type = delta.type;
    else if (custom !== undefined) call.type = "custom";
  }
  const part = custom ?? (isRecord(delta.function) ? delta.function : {});
  if (call.name === "" && typeof part.name === "string") call.name = part.name;
  const piece = custom === undefined ? part.arguments : part.input;
  if (typeof piece === "string") call.pieces.push(piece);
  mergeExtra(call.extra, delta, TOOL_CALL_KEYS);
}

function addAudio(audio: AudioBuilder, delta: Fields): void {
  // The transcript can start before the chunk that carries the id.
  if (audio.id === "" && typeof delta.id === "string") audio.id = delta.id;
  if (typeof delta.data === "string") audio.data.push(delta.data);
  if (typeof delta.transcript === "string") audio.transcript.push(delta.transcript);
  if (typeof delta.expires_at === "number") audio.expiresAt = delta.expires_at;
  mergeExtra(audio.extra, delta, AUDIO_KEYS);
}

function addLogprobs(logprobs: LogprobsBuilder, from: Fields): void {
  if (Array.isArray(from.content)) {
    logprobs.content ??= [];
    logprobs.content.push(...from.content);
  }
  if (Array.isArray(from.refusal)) {
    logprobs.refusal ??= [];
    logprobs.refusal.push(...from.refusal);
  }
  mergeExtra(logprobs.extra, from, LOGPROBS_KEYS);
}

function toChoice(index: number, choice: ChoiceBuilder): Choice {
  const message: ChatCompletionMessage = {
    role: "assistant",
    content: choice.content.length > 0 ? choice.content.join("") : null,
  };
  if (choice.refusal.length > 0) message.refusal = choice.refusal.join("");
  if (choice.thinkingBlocks.length > 0) message.thinking_blocks = choice.thinkingBlocks;
  if (choice.toolCalls.size > 0) {
    message.tool_calls = [...choice.toolCalls.entries()]
      .sort(([a], [b]) => a - b)
      .map(([, call]) => toToolCall(call));
  }
  if (choice.audio !== undefined) message.audio = toAudio(choice.audio);
  if (choice.reasoning.length > 0) message.reasoning_content = choice.reasoning.join("");
  const built: Choice = { index, message, finish_reason: choice.finishReason };
  if (choice.logprobs !== undefined) {
    const { content, refusal, extra } = choice.logprobs;
    const logprobs: ChoiceLogprobs = { ...extra, content, refusal };
    built.logprobs = logprobs;
  }
  return built;
}

function toToolCall(call: ToolCallBuilder): ChatCompletionMessageToolCall {
  const joined = call.pieces.join("");
  if (call.type === "custom") {
    return {
      id: call.id,
      type: "custom",
      custom: { name: call.name, input: joined },
      ...call.extra,
    };
  }
  return {
    id: call.id,
    type: "function",
    function: { name: call.name, arguments: joined },
    ...call.extra,
  };
}

function toAudio(audio: AudioBuilder): ChatCompletionAudio {
  return {
    id: audio.id,
    data: audio.data.join(""),
    transcript: audio.transcript.join(""),
    ...(audio.expiresAt === undefined ? {} : { expires_at: audio.expiresAt }),
    ...audio.extra,
  };
}

/** Copies the fields a provider adds (not in `known`), the last non-null value of each. */
function mergeExtra(into: Fields, from: Fields, known: ReadonlySet<string>): void {
  for (const [key, value] of Object.entries(from)) {
    // `__proto__` (an own key after JSON.parse) would set the prototype instead of a field.
    if (value != null && !known.has(key) && key !== "__proto__") into[key] = value;
  }
}

const ARRAY_OF_CHUNKS = "an array of chat.completion.chunk objects";

function invalid(problem: string): BadRequestError {
  return new BadRequestError(`streamChunkBuilder(chunks): ${problem}.`);
}

/** Names what was passed, with the fix for the likeliest mistake: passing the stream itself. */
function kind(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  if (typeof value === "object" && Symbol.asyncIterator in value) {
    return "an async iterable; collect the stream first: for await (const chunk of stream) chunks.push(chunk)";
  }
  if (typeof value === "object") return "an object";
  if (typeof value === "undefined") return "undefined";
  return `a ${typeof value}`;
}
