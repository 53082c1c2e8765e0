/**
 * The response and chunk types users see: OpenAI's `chat.completion`, `chat.completion.chunk`,
 * embedding list and image objects. Servers add fields; those are kept, so every object also
 * allows unknown keys.
 */

/**
 * A tool call the model made, as in OpenAI's API: a function call, or a call of a custom
 * (free-form input) tool. Narrow on `type` before reading `function` or `custom`.
 */
export type ChatCompletionMessageToolCall =
  | ChatCompletionMessageFunctionToolCall
  | ChatCompletionMessageCustomToolCall;

/**
 * A call of a function tool. Fields a provider adds are kept as sent, such as
 * `extra_content.google.thought_signature` from Gemini behind an OpenAI-compatible gateway,
 * which must be sent back with the call in the next turn.
 */
export interface ChatCompletionMessageFunctionToolCall {
  id: string;
  type: "function";
  function: { name: string; arguments: string };
  [key: string]: unknown;
}

/** A call of a custom tool (`tools: [{ type: "custom", ... }]`): its input is free text. */
export interface ChatCompletionMessageCustomToolCall {
  id: string;
  type: "custom";
  custom: { name: string; input: string };
  [key: string]: unknown;
}

/** The spoken answer of a model asked for `modalities: ["text", "audio"]`. */
export interface ChatCompletionAudio {
  /** Sent back as `{ role: "assistant", audio: { id } }` to refer to this answer in a later turn. */
  id: string;
  /** Base64 audio bytes, in the format asked for. */
  data: string;
  /**
   * Unix time (seconds) after which `id` can no longer be referred to. Always sent in a
   * non-streamed answer; absent from one rebuilt from a stream that never sent it.
   */
  expires_at?: number | undefined;
  transcript: string;
  [key: string]: unknown;
}

/** A URL citation and the like, attached to a message. */
export interface ChatCompletionAnnotation {
  type: string;
  [key: string]: unknown;
}

/** The assistant's message in a non-streamed answer. */
export interface ChatCompletionMessage {
  role: "assistant";
  content: string | null;
  tool_calls?: ChatCompletionMessageToolCall[] | undefined;
  /** The model's reasoning, when the provider returns it (an upstream `reasoning` is copied here). */
  reasoning_content?: string | null | undefined;
  /** Anthropic's signed thinking blocks, to send back with this message on the next turn. */
  thinking_blocks?: AnthropicThinkingBlock[] | undefined;
  refusal?: string | null | undefined;
  annotations?: ChatCompletionAnnotation[] | undefined;
  audio?: ChatCompletionAudio | null | undefined;
  [key: string]: unknown;
}

/** Log probabilities of a choice, as OpenAI sends them. */
export interface ChoiceLogprobs {
  content: TokenLogprob[] | null;
  refusal?: TokenLogprob[] | null | undefined;
  [key: string]: unknown;
}

/** One token's log probability. */
export interface TokenLogprob {
  token: string;
  logprob: number;
  bytes: number[] | null;
  top_logprobs?: { token: string; logprob: number; bytes: number[] | null }[];
}

/** Why the model stopped. */
export type FinishReason =
  | "stop"
  | "length"
  | "tool_calls"
  | "content_filter"
  | "function_call"
  | (string & {});

/** One choice of a non-streamed answer. */
export interface Choice {
  index: number;
  message: ChatCompletionMessage;
  finish_reason: FinishReason | null;
  logprobs?: ChoiceLogprobs | null | undefined;
  [key: string]: unknown;
}

/** Token counts of a call. */
export interface Usage {
  prompt_tokens: number;
  completion_tokens: number;
  total_tokens: number;
  prompt_tokens_details?:
    | { cached_tokens?: number; audio_tokens?: number; [key: string]: unknown }
    | null
    | undefined;
  completion_tokens_details?:
    | {
        reasoning_tokens?: number;
        audio_tokens?: number;
        accepted_prediction_tokens?: number;
        rejected_prediction_tokens?: number;
        [key: string]: unknown;
      }
    | null
    | undefined;
  [key: string]: unknown;
}

/** Facts about the call llmux made, kept off the JSON shape of a response. */
export interface HiddenParams {
  /** The provider prefix: `cometapi`. */
  provider: string;
  /** The base URL the request went to. */
  apiBase: string;
  /** The answer's `x-request-id`, if any. */
  requestId: string | undefined;
  /** Milliseconds from the first request to the parsed answer (or, for a stream, to its first chunk). */
  responseMs: number;
  /** How many HTTP requests were made (1 without retries; 0 for `mockResponse`). */
  attempts: number;
  /** The answer's headers, lower-case names. */
  headers: Record<string, string>;
  /**
   * What the call cost in USD, where the model's price is known (`getModelInfo`,
   * `registerModelInfo`): on an answer at once, on a stream once it has ended (from its usage
   * chunk).
   */
  responseCost?: number | undefined;
  /** Through a Router: the deployment that answered. */
  deployment?: RoutedDeployment | undefined;
  /** Through a Router: the model groups tried, and failed, before the one that answered. */
  fallbacks?: string[] | undefined;
}

/** Where a Router sent a call. */
export interface RoutedDeployment {
  /** The deployment's id (given in `modelList`, or derived). */
  id: string;
  /** Its group: the name the caller asked for, or a fallback's. */
  modelName: string;
  /** The model it called, with its provider prefix: `cometapi/gpt-5`. */
  model: string;
}

/** OpenAI's `chat.completion` object, as the server sent it (fields it adds are kept). */
export interface ModelResponse {
  id: string;
  object: "chat.completion";
  created: number;
  /** The model as the server named it. */
  model: string;
  system_fingerprint?: string | null | undefined;
  service_tier?: string | null | undefined;
  choices: Choice[];
  usage?: Usage | undefined;
  /** Non-enumerable: left out of `JSON.stringify`. */
  readonly _hidden_params: HiddenParams;
  [key: string]: unknown;
}

/**
 * A tool call fragment in a streamed delta; `index` ties fragments together. A function call
 * sends `function.arguments` in pieces, a custom tool's call `custom.input`.
 */
export interface ChoiceDeltaToolCall {
  index: number;
  id?: string | undefined;
  type?: "function" | "custom" | undefined;
  function?: { name?: string | undefined; arguments?: string | undefined } | undefined;
  custom?: { name?: string | undefined; input?: string | undefined } | undefined;
  [key: string]: unknown;
}

/** A piece of a streamed spoken answer: `data` and `transcript` arrive in pieces. */
export interface ChoiceDeltaAudio {
  id?: string | undefined;
  data?: string | undefined;
  expires_at?: number | undefined;
  transcript?: string | undefined;
  [key: string]: unknown;
}

/** What one chunk adds to a choice. */
export interface ChoiceDelta {
  role?: "assistant" | undefined;
  content?: string | null | undefined;
  tool_calls?: ChoiceDeltaToolCall[] | undefined;
  /** The model's reasoning (an upstream `reasoning` is copied here). */
  reasoning_content?: string | null | undefined;
  /** A signed thinking block, once it is complete (Anthropic). */
  thinking_blocks?: AnthropicThinkingBlock[] | undefined;
  refusal?: string | null | undefined;
  audio?: ChoiceDeltaAudio | null | undefined;
  [key: string]: unknown;
}

/** One choice of a chunk. */
export interface StreamChoice {
  index: number;
  delta: ChoiceDelta;
  finish_reason: FinishReason | null;
  logprobs?: ChoiceLogprobs | null | undefined;
  [key: string]: unknown;
}

/** OpenAI's `chat.completion.chunk` object. The last chunk carries `usage` and `choices: []`. */
export interface ModelResponseStream {
  id: string;
  object: "chat.completion.chunk";
  created: number;
  model: string;
  system_fingerprint?: string | null | undefined;
  service_tier?: string | null | undefined;
  choices: StreamChoice[];
  usage?: Usage | null | undefined;
  [key: string]: unknown;
}

/** One embedding of an embedding list. */
export interface Embedding {
  object: "embedding";
  index: number;
  /** Numbers, or a base64 string when `encoding_format: "base64"` was asked for. */
  embedding: number[] | string;
  [key: string]: unknown;
}

/** OpenAI's embedding list response. */
export interface EmbeddingResponse {
  object: "list";
  data: Embedding[];
  model: string;
  usage?: { prompt_tokens: number; total_tokens: number; [key: string]: unknown } | undefined;
  readonly _hidden_params: HiddenParams;
  [key: string]: unknown;
}

/** One generated image. */
export interface ImageObject {
  url?: string | undefined;
  b64_json?: string | undefined;
  revised_prompt?: string | undefined;
  [key: string]: unknown;
}

/** OpenAI's image generation response. */
export interface ImageResponse {
  created: number;
  data: ImageObject[];
  usage?: Record<string, unknown> | undefined;
  readonly _hidden_params: HiddenParams;
  [key: string]: unknown;
}

/** One model a provider offers, as its `/models` lists it. */
export interface ModelObject {
  id: string;
  object?: string | undefined;
  created?: number | undefined;
  owned_by?: string | undefined;
  [key: string]: unknown;
}

/**
 * The assistant's message of a call made with `responseFormat`: `parsed` holds the answer parsed
 * and validated by the schema, or `null` when the model refused (`refusal` says why) or called a
 * tool instead of answering.
 */
export interface ParsedChatCompletionMessage<T> extends ChatCompletionMessage {
  parsed: T | null;
}

/** One choice of a call made with `responseFormat`. */
export interface ParsedChoice<T> extends Choice {
  message: ParsedChatCompletionMessage<T>;
}

/**
 * OpenAI's `chat.completion` object of a call made with `responseFormat`: each choice's
 * `message.parsed` is typed as the schema's output.
 */
export interface ParsedModelResponse<T> extends ModelResponse {
  choices: ParsedChoice<T>[];
}

/**
 * A signed block of Claude's extended thinking, as an answer carries it on
 * `message.thinking_blocks` (and a stream on `delta.thinking_blocks`, each block whole once it
 * has ended). Send the blocks back on the assistant message of the next turn: Anthropic checks
 * the signatures, and needs them to go on with a tool call made while thinking.
 */
export type AnthropicThinkingBlock =
  | {
      type: "thinking";
      /** The thinking text (empty when the model does not show it). */
      thinking: string;
      /** Anthropic's signature of the block. */
      signature: string;
    }
  | {
      /** Thinking Anthropic's safety systems encrypted: sent back as it came. */
      type: "redacted_thinking";
      data: string;
    };
