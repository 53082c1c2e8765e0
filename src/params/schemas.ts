/**
 * What callers pass: strict zod schemas (unknown keys are rejected) and the types inferred from
 * them. snake_case keys are wire parameters and are sent as they are; camelCase keys control the
 * client and are never sent.
 */

import type { Dispatcher } from "undici";
import type * as Zod from "zod";
import type { CallbackHandler } from "../observability/callbacks.js";
import { isZodSchema } from "../structured/is-zod-schema.js";
import { loadedZod } from "./load-zod.js";

// Evaluated only through `loadSchemas()`, after zod is loaded, when `quickCheck()` is unsure of a
// call: a call it accepts loads neither this module nor zod (~45 ms of a cold start; see
// `load-zod.ts`). Everything else imports the types only. `quick-check.ts` describes the same
// keys without zod: a key added here belongs there too (`test/quick-check.test.ts` fails until).
const z = loadedZod();

/** A fetch-compatible function: `(url, init) => Promise<Response>`. */
export type FetchFunction = (input: string, init: RequestInit) => Promise<Response>;

// Shared instances: zod schemas are immutable, and building fewer of them shortens the import.
const string = z.string();
const optionalString = string.optional();
const nullishString = string.nullish();
const optionalBoolean = z.boolean().optional();
const nullishBoolean = z.boolean().nullish();
const unknownRecord = z.record(string, z.unknown());
const nonEmptyString = string.min(1, "must not be empty");
const finiteNumber = z.number().refine(Number.isFinite, "must be a finite number");
const milliseconds = z.custom<number>(
  (value) => typeof value === "number" && value > 0,
  "must be a positive number of milliseconds (or Infinity for no limit)",
);
// One rule, one sentence: `z.number().int().min(0)` would report NaN, 1.5 and -1 as three
// different issues ("must be a number", "must be an int", "must be at least 0").
const retryCount = z.custom<number>(
  (value) => typeof value === "number" && Number.isSafeInteger(value) && value >= 0,
  "must be a whole number from 0",
);
const byteCount = z.custom<number>(
  (value) => typeof value === "number" && Number.isSafeInteger(value) && value > 0,
  "must be a whole number of bytes from 1",
);

const loose = <Shape extends Zod.core.$ZodLooseShape>(shape: Shape) => z.looseObject(shape);

// ---------------------------------------------------------------------------------------------
// Messages
// ---------------------------------------------------------------------------------------------

const textPartSchema = loose({ type: z.literal("text"), text: z.string() });
const imagePartSchema = loose({
  type: z.literal("image_url"),
  image_url: z.union([
    string,
    loose({ url: string, detail: z.enum(["auto", "low", "high"]).optional() }),
  ]),
});
const audioPartSchema = loose({
  type: z.literal("input_audio"),
  input_audio: loose({ data: string, format: z.string() }),
});
const filePartSchema = loose({
  type: z.literal("file"),
  file: loose({
    file_data: optionalString,
    file_id: optionalString,
    filename: optionalString,
  }),
});
const refusalPartSchema = loose({ type: z.literal("refusal"), refusal: z.string() });

const userContentPartSchema = z.discriminatedUnion("type", [
  textPartSchema,
  imagePartSchema,
  audioPartSchema,
  filePartSchema,
]);

const textContent = z.union([string, z.array(textPartSchema)]);

/** A tool call of an earlier answer, sent back: a function's, or a custom (free-form) tool's. */
const toolCallSchema = z.discriminatedUnion("type", [
  loose({
    id: string,
    type: z.literal("function"),
    function: loose({ name: string, arguments: z.string() }),
  }),
  loose({
    id: string,
    type: z.literal("custom"),
    custom: loose({ name: string, input: z.string() }),
  }),
]);

const systemMessageSchema = loose({
  role: z.literal("system"),
  content: textContent,
  name: optionalString,
});
const developerMessageSchema = loose({
  role: z.literal("developer"),
  content: textContent,
  name: optionalString,
});
const userMessageSchema = loose({
  role: z.literal("user"),
  content: z.union([string, z.array(userContentPartSchema)]),
  name: optionalString,
});
const assistantMessageSchema = loose({
  role: z.literal("assistant"),
  content: z
    .union([string, z.array(z.discriminatedUnion("type", [textPartSchema, refusalPartSchema]))])
    .nullish(),
  name: optionalString,
  tool_calls: z.array(toolCallSchema).optional(),
  reasoning_content: nullishString,
  refusal: nullishString,
});
const toolMessageSchema = loose({
  role: z.literal("tool"),
  content: textContent,
  tool_call_id: string,
});

/** One OpenAI chat message. */
const messageSchema = z.discriminatedUnion("role", [
  systemMessageSchema,
  developerMessageSchema,
  userMessageSchema,
  assistantMessageSchema,
  toolMessageSchema,
]);

/** One OpenAI chat message: `{ role: "user", content: "Hi" }`. */
export type Message = Zod.infer<typeof messageSchema>;

// ---------------------------------------------------------------------------------------------
// Wire parameters of a chat completion
// ---------------------------------------------------------------------------------------------

const functionToolSchema = loose({
  type: string,
  function: loose({
    name: string,
    description: optionalString,
    parameters: unknownRecord.optional(),
    strict: nullishBoolean,
  }).optional(),
});

const responseFormatSchema = z.discriminatedUnion("type", [
  loose({ type: z.literal("text") }),
  loose({ type: z.literal("json_object") }),
  loose({
    type: z.literal("json_schema"),
    json_schema: loose({
      name: string,
      description: optionalString,
      schema: unknownRecord.optional(),
      strict: nullishBoolean,
    }),
  }),
]);

const toolChoiceSchema = z.union([
  z.enum(["none", "auto", "required"]),
  loose({ type: string, function: loose({ name: z.string() }).optional() }),
]);

/** The wire parameters of a chat completion: typed, validated, sent unchanged. */
const chatWireShape = {
  temperature: finiteNumber.min(0).max(2).optional(),
  top_p: finiteNumber.min(0).max(1).optional(),
  n: z.number().int().min(1).optional(),
  stop: z.union([string, z.array(string)]).nullish(),
  max_tokens: z.number().int().positive().nullish(),
  max_completion_tokens: z.number().int().positive().nullish(),
  presence_penalty: finiteNumber.min(-2).max(2).optional(),
  frequency_penalty: finiteNumber.min(-2).max(2).optional(),
  logit_bias: z.record(string, finiteNumber).nullish(),
  logprobs: nullishBoolean,
  top_logprobs: z.number().int().min(0).max(20).nullish(),
  seed: z.number().int().nullish(),
  user: optionalString,
  response_format: responseFormatSchema.optional(),
  tools: z.array(functionToolSchema).optional(),
  tool_choice: toolChoiceSchema.optional(),
  parallel_tool_calls: optionalBoolean,
  reasoning_effort: nullishString,
  stream_options: loose({ include_usage: optionalBoolean }).nullish(),
  service_tier: nullishString,
  modalities: z.array(z.enum(["text", "audio"])).nullish(),
  audio: loose({ voice: string, format: z.string() }).nullish(),
  prediction: loose({ type: z.literal("content"), content: z.unknown() }).nullish(),
  web_search_options: unknownRecord.optional(),
  metadata: z.record(string, string).nullish(),
  store: nullishBoolean,
  verbosity: z.enum(["low", "medium", "high"]).nullish(),
} as const;

// ---------------------------------------------------------------------------------------------
// Client options (camelCase; never sent)
// ---------------------------------------------------------------------------------------------

const isAbortSignal = (value: unknown): value is AbortSignal =>
  value instanceof AbortSignal ||
  (typeof value === "object" &&
    value !== null &&
    typeof (value as AbortSignal).aborted === "boolean" &&
    typeof (value as AbortSignal).addEventListener === "function");

const isDispatcher = (value: unknown): value is Dispatcher =>
  typeof value === "object" &&
  value !== null &&
  typeof (value as Dispatcher).dispatch === "function";

/** Options of every call that shape how the client talks to the provider. */
const clientOptionsShape = {
  apiKey: nonEmptyString.optional(),
  apiBase: z.url({ message: "must be an absolute http(s) URL" }).optional(),
  timeout: milliseconds.optional(),
  maxRetries: retryCount.optional(),
  maxResponseBytes: byteCount.optional(),
  dropParams: z.boolean().optional(),
  signal: z.custom<AbortSignal>(isAbortSignal, "must be an AbortSignal").optional(),
  extraHeaders: z.record(string, string).optional(),
  extraBody: unknownRecord.optional(),
  dispatcher: z
    .custom<Dispatcher>(isDispatcher, "must be an undici Dispatcher (Agent, ProxyAgent, MockAgent)")
    .optional(),
  fetch: z
    .custom<FetchFunction>((value) => typeof value === "function", "must be a fetch function")
    .optional(),
  callbacks: z
    .array(
      z.custom<CallbackHandler>(
        (value) => typeof value === "object" && value !== null,
        "must be a handler object (onStart, onSuccess, onFailure, onRetry, onFallback)",
      ),
    )
    .optional(),
  telemetry: z
    .union([z.boolean(), z.strictObject({ recordContent: z.boolean().optional() })], {
      message: "must be a boolean or { recordContent?: boolean }",
    })
    .optional(),
} as const;

const mockResponseSchema = z
  .union([string, z.instanceof(Error)], { message: "must be a string or an Error" })
  .optional();

/** Every key `completion()` accepts. */
export const completionParamsSchema = z.strictObject({
  model: nonEmptyString,
  messages: z.array(messageSchema).min(1, "must hold at least one message"),
  stream: nullishBoolean,
  ...chatWireShape,
  ...clientOptionsShape,
  streamIdleTimeout: milliseconds.optional(),
  mockResponse: mockResponseSchema,
  responseFormat: z
    .custom<Zod.core.$ZodType>(isZodSchema, "must be a zod schema, such as z.object({ ... })")
    .optional(),
});

type InferredCompletionParams = Zod.input<typeof completionParamsSchema>;

/** Client options every call accepts. TSDoc for each is on {@link CompletionParams}. */
export interface ClientOptions {
  /**
   * The provider's API key. Wins over the provider's environment variables
   * (`COMETAPI_KEY`, then `COMETAPI_API_KEY` for `cometapi/`).
   */
  apiKey?: string | undefined;
  /**
   * The provider's base URL. Wins over the provider's environment variables and default. A base
   * with no version segment gets `/v1`; a trailing `/` is dropped.
   * @example "https://api.cometapi.com/v1"
   */
  apiBase?: string | undefined;
  /**
   * Milliseconds each attempt may take: a non-streamed attempt from send to parsed body, a
   * streamed attempt until its first chunk. `Infinity` for no limit.
   * @default 600000
   */
  timeout?: number | undefined;
  /**
   * Further attempts after the first, for connection errors, timeouts, 408, 409, 429 and 5xx.
   * @default 2
   */
  maxRetries?: number | undefined;
  /**
   * The largest non-streamed answer body read, in bytes (after decoding a compressed body). Past
   * it, reading stops, the connection closes and the call fails with an `APIError` (not retried).
   * @default 268435456 (256 MiB)
   */
  maxResponseBytes?: number | undefined;
  /**
   * Drop the wire parameters the provider cannot honour (`logit_bias` for `anthropic/`, say)
   * instead of failing with a `BadRequestError` naming them (LiteLLM's `drop_params`).
   * @default false
   */
  dropParams?: boolean | undefined;
  /** Aborting rejects the call (or throws from the stream) with the signal's reason, at once. */
  signal?: AbortSignal | undefined;
  /** Extra HTTP headers, sent after llmux's own (they win). */
  extraHeaders?: Record<string, string> | undefined;
  /**
   * Merged into the top level of the JSON body last (it wins): the way to send a parameter llmux
   * does not list.
   * @example { top_k: 40 }
   */
  extraBody?: Record<string, unknown> | undefined;
  /** An undici `Dispatcher` for the requests (a `ProxyAgent`, a `MockAgent`, a tuned `Agent`). */
  dispatcher?: Dispatcher | undefined;
  /** A fetch-compatible function used instead of undici (msw, tracing, other runtimes). */
  fetch?: FetchFunction | undefined;
  /**
   * Handlers of this call's events, besides those of `addCallback()` (and of the Router).
   * @example [{ onSuccess: (event) => console.log(event.usage, event.cost) }]
   */
  callbacks?: readonly CallbackHandler[] | undefined;
  /**
   * OpenTelemetry for this call, when `@opentelemetry/api` is installed and a provider is
   * registered: `false` turns its span and metrics off; `{ recordContent: true }` records the
   * messages (`gen_ai.input.messages`, `gen_ai.output.messages`) on its span.
   * @default true (no content)
   * @example { recordContent: true }
   */
  telemetry?: boolean | TelemetryOptions | undefined;
}

/** What `telemetry` can say about one call's span. */
export interface TelemetryOptions {
  /**
   * Records the messages sent and received on the span (they may hold personal data).
   * @default false
   */
  recordContent?: boolean | undefined;
}

type Wire = InferredCompletionParams;

/**
 * The wire parameters of a chat completion, exactly as in OpenAI's API: typed, validated, and
 * sent unchanged. Anything else goes through `extraBody`.
 */
export interface ChatWireParams {
  /** Sampling temperature, 0 to 2. @example 0.7 */
  temperature?: Wire["temperature"];
  /** Nucleus sampling: the probability mass to sample from, 0 to 1. */
  top_p?: Wire["top_p"];
  /** How many choices to generate. @default 1 */
  n?: Wire["n"];
  /** Up to 4 sequences where generation stops. */
  stop?: Wire["stop"];
  /** Most tokens to generate (older models; see `max_completion_tokens`). */
  max_tokens?: Wire["max_tokens"];
  /** Most tokens to generate, reasoning tokens included. */
  max_completion_tokens?: Wire["max_completion_tokens"];
  /** -2 to 2: penalizes tokens already present, encouraging new topics. */
  presence_penalty?: Wire["presence_penalty"];
  /** -2 to 2: penalizes tokens by how often they appeared. */
  frequency_penalty?: Wire["frequency_penalty"];
  /** Token id -> bias from -100 to 100. */
  logit_bias?: Wire["logit_bias"];
  /** Return log probabilities of the output tokens. */
  logprobs?: Wire["logprobs"];
  /** 0 to 20 most likely tokens to return at each position (needs `logprobs`). */
  top_logprobs?: Wire["top_logprobs"];
  /** Best-effort deterministic sampling. */
  seed?: Wire["seed"];
  /** An id for the end user, for abuse monitoring. */
  user?: Wire["user"];
  /**
   * `{ type: "text" }`, `{ type: "json_object" }`, or `{ type: "json_schema", json_schema: { name, schema, strict } }`.
   * @example { type: "json_schema", json_schema: { name: "answer", schema: { type: "object" } } }
   */
  response_format?: Wire["response_format"];
  /** Tools the model may call. */
  tools?: Wire["tools"];
  /** `"none"`, `"auto"`, `"required"`, or `{ type: "function", function: { name } }`. */
  tool_choice?: Wire["tool_choice"];
  /** Whether the model may call several tools in one turn. */
  parallel_tool_calls?: Wire["parallel_tool_calls"];
  /** Reasoning effort for models that reason. @example "low" */
  reasoning_effort?:
    | "none"
    | "minimal"
    | "low"
    | "medium"
    | "high"
    | "xhigh"
    | (string & {})
    | null;
  /**
   * Stream options. llmux sends `{ include_usage: true }` for a stream when you set none.
   * @example { include_usage: true }
   */
  stream_options?: Wire["stream_options"];
  /** The provider's service tier. @example "flex" */
  service_tier?: Wire["service_tier"];
  /** Output modalities. @example ["text", "audio"] */
  modalities?: Wire["modalities"];
  /** Audio output settings. @example { voice: "alloy", format: "wav" } */
  audio?: Wire["audio"];
  /** Predicted output, to speed up regeneration. */
  prediction?: Wire["prediction"];
  /** Web search settings, for models that search. */
  web_search_options?: Wire["web_search_options"];
  /** Key-value pairs stored with the completion. */
  metadata?: Wire["metadata"];
  /** Whether the provider stores the completion. */
  store?: Wire["store"];
  /** Answer length for models that support it. */
  verbosity?: Wire["verbosity"];
}

/** The parameters of `completion()`: the model, the messages, wire parameters, client options. */
export interface CompletionParams extends ClientOptions, ChatWireParams {
  /**
   * `"<provider>/<model id>"`, split at the first `/`.
   * @example "cometapi/gpt-5"
   */
  model: string;
  /** At least one OpenAI chat message. */
  messages: Message[];
  /** `true` resolves to a {@link CompletionStream} instead of a `ModelResponse`. */
  stream?: boolean | null | undefined;
  /**
   * Longest gap, in milliseconds, a stream may go without receiving anything from the server.
   * @default 300000
   */
  streamIdleTimeout?: number | undefined;
  /**
   * Answer with this text, without network or key (streamed in several chunks when
   * `stream: true`); an `Error` is thrown as it is.
   */
  mockResponse?: string | Error | undefined;
  /**
   * A zod schema of the answer: sent as OpenAI's strict `response_format` (`json_schema`, made
   * with zod's own conversion: every key required, optional ones as nullable,
   * `additionalProperties: false`), and the answer parsed into `choices[i].message.parsed`,
   * typed as the schema's output. An answer that does not parse is an `OutputParseError`; a
   * refusal gives `parsed: null` and `message.refusal`. For `openai/`, `cometapi/`,
   * `openai_compatible/` and providers made with `createOpenAICompatibleProvider`; not with
   * `response_format`.
   * @example z.object({ city: z.string(), temperature: z.number() })
   */
  responseFormat?: Zod.core.$ZodType | undefined;
}

// ---------------------------------------------------------------------------------------------
// Embeddings, images, models
// ---------------------------------------------------------------------------------------------

/** Every key `embedding()` accepts. */
const embeddingParamsSchema = z.strictObject({
  model: nonEmptyString,
  input: z.union([
    string,
    z.array(string).min(1, "must hold at least one input"),
    z.array(z.number().int()).min(1, "must hold at least one token"),
    z.array(z.array(z.number().int())).min(1, "must hold at least one input"),
  ]),
  dimensions: z.number().int().positive().optional(),
  encoding_format: z.enum(["float", "base64"]).optional(),
  user: optionalString,
  ...clientOptionsShape,
});

/** The parameters of `embedding()`. */
export interface EmbeddingParams extends ClientOptions {
  /** @example "cometapi/text-embedding-3-small" */
  model: string;
  /** A string, an array of strings, or tokens. */
  input: string | string[] | number[] | number[][];
  dimensions?: number | undefined;
  /** `"base64"` returns each embedding as a base64 string, as the server sent it. */
  encoding_format?: "float" | "base64" | undefined;
  user?: string | undefined;
}

/** Every key `imageGeneration()` accepts. */
const imageGenerationParamsSchema = z.strictObject({
  model: nonEmptyString,
  prompt: nonEmptyString,
  n: z.number().int().min(1).optional(),
  size: optionalString,
  quality: optionalString,
  response_format: z.enum(["url", "b64_json"]).optional(),
  style: optionalString,
  user: optionalString,
  background: optionalString,
  output_format: optionalString,
  ...clientOptionsShape,
});

/** The parameters of `imageGeneration()`. */
export interface ImageGenerationParams extends ClientOptions {
  /** @example "cometapi/dall-e-3" */
  model: string;
  prompt: string;
  n?: number | undefined;
  /** @example "1024x1024" */
  size?: string | undefined;
  /** @example "hd" */
  quality?: string | undefined;
  response_format?: "url" | "b64_json" | undefined;
  /** @example "vivid" */
  style?: string | undefined;
  user?: string | undefined;
  /** @example "transparent" */
  background?: string | undefined;
  /** @example "png" */
  output_format?: string | undefined;
}

/** Every key `listModels()` accepts. */
const listModelsParamsSchema = z.strictObject({
  provider: nonEmptyString,
  ...clientOptionsShape,
});

/** The parameters of `listModels()`. */
export interface ListModelsParams extends ClientOptions {
  /** A provider prefix, without the `/`. @example "cometapi" */
  provider: string;
}

/** The schema of each call's parameters, by the call's name (as in its messages). */
export const paramsSchemas = {
  completion: completionParamsSchema,
  embedding: embeddingParamsSchema,
  imageGeneration: imageGenerationParamsSchema,
  listModels: listModelsParamsSchema,
};

/** A call whose parameters are validated: `"completion"`, `"embedding"`, ... */
export type CallName = keyof typeof paramsSchemas;
