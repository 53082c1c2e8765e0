/** Rebuilds one `ModelResponse` from the chunks of a stream, as LiteLLM's `stream_chunk_builder`. */
import { attachHiddenParams, noRequestHiddenParams } from "../calls/hidden-params.js";
import type { Message } from "../params/schemas.js";
import type {
  ChatCompletionMessage,
  ChatCompletionMessageToolCall,
  Choice,
  ChoiceLogprobs,
  ModelResponse,
  ModelResponseStream,
  Usage,
} from "../types.js";

interface ChoiceBuilder {
  content: string[];
  reasoning: string[];
  refusal: string[];
  toolCalls: Map<number, { id: string; type: "function"; name: string; arguments: string[] }>;
  finishReason: string | null;
  logprobs: ChoiceLogprobs | null | undefined;
}

function newChoice(): ChoiceBuilder {
  return {
    content: [],
    reasoning: [],
    refusal: [],
    toolCalls: new Map(),
    finishReason: null,
    logprobs: undefined,
  };
}

/**
 * Rebuilds the `ModelResponse` a non-streamed call would have given, from a stream's chunks:
 * content and `reasoning_content` joined per choice, `tool_calls` assembled by `index`, the last
 * non-null `finish_reason`, `usage` from the usage chunk as sent, `id` and `model` from the first
 * chunk that has them.
 *
 * `messages` (the call's) are accepted for LiteLLM parity; usage is never estimated from them.
 *
 * @example
 * const chunks = [];
 * for await (const chunk of stream) chunks.push(chunk);
 * const response = streamChunkBuilder(chunks);
 */
export function streamChunkBuilder(
  chunks: readonly ModelResponseStream[],
  messages?: readonly Message[],
): ModelResponse {
  void messages;
  let id = "";
  let model = "";
  let created = 0;
  let systemFingerprint: string | null | undefined;
  let serviceTier: string | null | undefined;
  let usage: Usage | undefined;
  const choices = new Map<number, ChoiceBuilder>();

  for (const chunk of chunks) {
    if (id === "" && typeof chunk.id === "string" && chunk.id !== "") id = chunk.id;
    if (model === "" && typeof chunk.model === "string" && chunk.model !== "") model = chunk.model;
    if (created === 0 && typeof chunk.created === "number") created = chunk.created;
    if (chunk.system_fingerprint != null) systemFingerprint = chunk.system_fingerprint;
    if (chunk.service_tier != null) serviceTier = chunk.service_tier;
    if (chunk.usage != null) usage = chunk.usage;
    for (const streamChoice of chunk.choices ?? []) {
      const index = streamChoice.index ?? 0;
      let choice = choices.get(index);
      if (choice === undefined) {
        choice = newChoice();
        choices.set(index, choice);
      }
      const delta = streamChoice.delta ?? {};
      if (typeof delta.content === "string") choice.content.push(delta.content);
      if (typeof delta.reasoning_content === "string")
        choice.reasoning.push(delta.reasoning_content);
      if (typeof delta.refusal === "string") choice.refusal.push(delta.refusal);
      for (const toolDelta of delta.tool_calls ?? []) {
        const toolIndex = toolDelta.index ?? choice.toolCalls.size;
        let call = choice.toolCalls.get(toolIndex);
        if (call === undefined) {
          call = { id: "", type: "function", name: "", arguments: [] };
          choice.toolCalls.set(toolIndex, call);
        }
        if (toolDelta.id) call.id = toolDelta.id;
        if (toolDelta.function?.name) call.name = toolDelta.function.name;
        if (typeof toolDelta.function?.arguments === "string") {
          call.arguments.push(toolDelta.function.arguments);
        }
      }
      if (streamChoice.finish_reason != null) choice.finishReason = streamChoice.finish_reason;
      if (streamChoice.logprobs != null) {
        const logprobs = streamChoice.logprobs;
        if (choice.logprobs == null) {
          choice.logprobs = { ...logprobs, content: [...(logprobs.content ?? [])] };
        } else {
          choice.logprobs.content = [
            ...(choice.logprobs.content ?? []),
            ...(logprobs.content ?? []),
          ];
        }
      }
    }
  }

  const builtChoices: Choice[] = [...choices.entries()]
    .sort(([a], [b]) => a - b)
    .map(([index, choice]) => {
      const message: ChatCompletionMessage = {
        role: "assistant",
        content: choice.content.length > 0 ? choice.content.join("") : null,
      };
      if (choice.toolCalls.size > 0) {
        message.tool_calls = [...choice.toolCalls.entries()]
          .sort(([a], [b]) => a - b)
          .map(
            ([, call]): ChatCompletionMessageToolCall => ({
              id: call.id,
              type: call.type,
              function: { name: call.name, arguments: call.arguments.join("") },
            }),
          );
      }
      if (choice.reasoning.length > 0) message.reasoning_content = choice.reasoning.join("");
      if (choice.refusal.length > 0) message.refusal = choice.refusal.join("");
      const built: Choice = { index, message, finish_reason: choice.finishReason };
      if (choice.logprobs !== undefined) built.logprobs = choice.logprobs;
      return built;
    });

  const response = {
    id,
    object: "chat.completion" as const,
    created,
    model,
    ...(systemFingerprint === undefined ? {} : { system_fingerprint: systemFingerprint }),
    ...(serviceTier === undefined ? {} : { service_tier: serviceTier }),
    choices: builtChoices,
    ...(usage === undefined ? {} : { usage }),
  };
  return attachHiddenParams(response, noRequestHiddenParams("")) as ModelResponse;
}
