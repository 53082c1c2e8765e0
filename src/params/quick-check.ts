/**
 * A check of a call's parameters without zod, for the parameters most calls pass. It answers
 * `true` only where the strict schemas in `schemas.ts` would accept, and `false` ("unsure") for
 * everything else, including what it does not describe (content parts, tools, response_format):
 * then zod runs and gives the verdict and its messages.
 *
 * Why: importing zod is most of what llmux adds to a cold start (~45 ms of its ~220 ms: 95 ES
 * modules compiled, and the garbage collection that causes; see bench/README.md). With this check,
 * a successful call never loads zod.
 *
 * It reads a value the way zod does: every key of the schema by `params[key]` (own or inherited,
 * enumerable or not), and the unknown keys by `for...in`. `test/quick-check.test.ts` checks that
 * it never accepts what zod rejects (every single change to usual calls, and generated
 * parameters), and that it knows exactly the schemas' keys.
 */
import { isRecord } from "../json-guards.js";
import { isZodSchema } from "../structured/is-zod-schema.js";
import type { CallName } from "./schemas.js";

/** Whether a value given for a key surely passes the key's schema. */
type Check = (value: unknown) => boolean;

/** One key of a call's schema. `undefined` passes every key but a required one. */
interface KeyRule {
  readonly key: string;
  readonly check: Check;
  readonly required: boolean;
}

/** The keys of a call's schema: each with its check, and all of them as a set. */
interface CallRules {
  readonly rules: readonly KeyRule[];
  readonly known: ReadonlySet<string>;
}

// ---------------------------------------------------------------------------------------------
// Values (each as strict as its zod schema, or stricter)
// ---------------------------------------------------------------------------------------------

// An object schema takes what `isRecord` (json-guards.ts) does: zod's `isObject`.
const isString = (value: unknown) => typeof value === "string";
const isNonEmptyString = (value: unknown) => typeof value === "string" && value !== "";
const isNullishString = (value: unknown) => value == null || typeof value === "string";
const isBoolean = (value: unknown) => typeof value === "boolean";
const isNullishBoolean = (value: unknown) => value == null || typeof value === "boolean";
const isFunction = (value: unknown) => typeof value === "function";
const isHandlerArray = (value: unknown) =>
  Array.isArray(value) && value.every((item) => typeof item === "object" && item !== null);

const isTelemetry = (value: unknown) =>
  typeof value === "boolean" ||
  (typeof value === "object" &&
    value !== null &&
    !Array.isArray(value) &&
    Object.keys(value).every(
      (key) =>
        key === "recordContent" &&
        ((value as Record<string, unknown>)[key] === undefined ||
          typeof (value as Record<string, unknown>)[key] === "boolean"),
    ));

/** `z.number().int()`, which takes safe integers only. */
const isInteger = (value: unknown): value is number => Number.isSafeInteger(value);
const isFiniteNumber = (value: unknown): value is number =>
  typeof value === "number" && Number.isFinite(value);

const isTemperature = (value: unknown) => isFiniteNumber(value) && value >= 0 && value <= 2;
const isTopP = (value: unknown) => isFiniteNumber(value) && value >= 0 && value <= 1;
const isPenalty = (value: unknown) => isFiniteNumber(value) && value >= -2 && value <= 2;
const isCountFromOne = (value: unknown) => isInteger(value) && value >= 1;
const isNullishPositiveInteger = (value: unknown) =>
  value == null || (isInteger(value) && value > 0);
const isNullishInteger = (value: unknown) => value == null || isInteger(value);
const isNullishTopLogprobs = (value: unknown) =>
  value == null || (isInteger(value) && value >= 0 && value <= 20);

const isMilliseconds = (value: unknown) => typeof value === "number" && value > 0;
const isRetryCount = (value: unknown) => isInteger(value) && value >= 0;
const isByteCount = (value: unknown) => isInteger(value) && value > 0;

/** `z.url()`: what `URL` parses, once trimmed. */
const isURL = (value: unknown) => typeof value === "string" && URL.canParse(value.trim());

/** Only a real `AbortSignal`; a look-alike is left to the schema. */
const isAbortSignal = (value: unknown) => value instanceof AbortSignal;

/** The schema's own test of a Dispatcher. */
const isDispatcher = (value: unknown) =>
  typeof value === "object" && value !== null && "dispatch" in value && isFunction(value.dispatch);

const isMockResponse = (value: unknown) => typeof value === "string" || value instanceof Error;

/**
 * An object `z.record()` surely takes: zod's `isPlainObject`, narrowed to the prototypes of an
 * object literal and of `Object.create(null)`, without an own `constructor` (which zod reads) or
 * symbol keys (which a string-keyed record rejects).
 */
function isPlainRecord(value: unknown): value is Record<string, unknown> {
  if (!isRecord(value)) return false;
  const prototype = Object.getPrototypeOf(value);
  if (prototype !== Object.prototype && prototype !== null) return false;
  if (Object.hasOwn(value, "constructor")) return false;
  return Object.getOwnPropertySymbols(value).length === 0;
}

/** `z.record(z.string(), z.unknown())`. */
const isUnknownRecord = isPlainRecord;

/** `z.record(z.string(), z.string())`: every own enumerable value a string. */
function isStringRecord(value: unknown): boolean {
  if (!isPlainRecord(value)) return false;
  for (const key in value) {
    if (Object.hasOwn(value, key) && typeof value[key] !== "string") return false;
  }
  return true;
}

const isNullishStringRecord = (value: unknown) => value == null || isStringRecord(value);

/** `z.record(z.string(), finiteNumber)`. */
function isNullishLogitBias(value: unknown): boolean {
  if (value == null) return true;
  if (!isPlainRecord(value)) return false;
  for (const key in value) {
    if (Object.hasOwn(value, key) && !isFiniteNumber(value[key])) return false;
  }
  return true;
}

// Arrays are read by index, as zod reads them (a hole is `undefined`).
function isStringArray(value: unknown): boolean {
  if (!Array.isArray(value)) return false;
  for (let index = 0; index < value.length; index++) {
    if (typeof value[index] !== "string") return false;
  }
  return true;
}

function isIntegerArray(value: unknown): boolean {
  if (!Array.isArray(value)) return false;
  for (let index = 0; index < value.length; index++) {
    if (!isInteger(value[index])) return false;
  }
  return true;
}

const isNullishStop = (value: unknown) =>
  value == null || typeof value === "string" || isStringArray(value);

function isNullishModalities(value: unknown): boolean {
  if (value == null) return true;
  if (!Array.isArray(value)) return false;
  for (let index = 0; index < value.length; index++) {
    const item = value[index];
    if (item !== "text" && item !== "audio") return false;
  }
  return true;
}

const isNullishVerbosity = (value: unknown) =>
  value == null || value === "low" || value === "medium" || value === "high";

const isToolChoice = (value: unknown) =>
  value === "none" || value === "auto" || value === "required";

const isNullishStreamOptions = (value: unknown) =>
  value == null ||
  (isRecord(value) && (value.include_usage === undefined || isBoolean(value.include_usage)));

const isNullishAudio = (value: unknown) =>
  value == null || (isRecord(value) && isString(value.voice) && isString(value.format));

/** `{ type: "content", content: "..." }`; content given otherwise is left to the schema. */
const isNullishPrediction = (value: unknown) =>
  value == null || (isRecord(value) && value.type === "content" && isString(value.content));

/** Never sure: content parts, tools, response formats and the like are left to the schema. */
const unsure = () => false;

// ---------------------------------------------------------------------------------------------
// Messages: string content only; content parts are left to the schema
// ---------------------------------------------------------------------------------------------

const isOptionalString = (value: unknown) => value === undefined || typeof value === "string";

function isToolCall(value: unknown): boolean {
  if (!isRecord(value) || !isString(value.id)) return false;
  if (value.type === "function") {
    const call = value.function;
    return isRecord(call) && isString(call.name) && isString(call.arguments);
  }
  const custom = value.custom;
  return (
    value.type === "custom" && isRecord(custom) && isString(custom.name) && isString(custom.input)
  );
}

function isAssistantMessage(message: Record<string, unknown>): boolean {
  const toolCalls = message.tool_calls;
  if (toolCalls !== undefined) {
    if (!Array.isArray(toolCalls)) return false;
    for (let index = 0; index < toolCalls.length; index++) {
      if (!isToolCall(toolCalls[index])) return false;
    }
  }
  return (
    isNullishString(message.content) &&
    isOptionalString(message.name) &&
    isNullishString(message.reasoning_content) &&
    isNullishString(message.refusal)
  );
}

function isMessage(value: unknown): boolean {
  if (!isRecord(value)) return false;
  switch (value.role) {
    case "system":
    case "developer":
    case "user":
      return isString(value.content) && isOptionalString(value.name);
    case "assistant":
      return isAssistantMessage(value);
    case "tool":
      return isString(value.content) && isString(value.tool_call_id);
    default:
      return false;
  }
}

function isMessageList(value: unknown): boolean {
  if (!Array.isArray(value) || value.length === 0) return false;
  for (let index = 0; index < value.length; index++) {
    if (!isMessage(value[index])) return false;
  }
  return true;
}

// ---------------------------------------------------------------------------------------------
// Embedding input, image options
// ---------------------------------------------------------------------------------------------

/** A string, or a non-empty list of strings or of tokens; token lists are left to the schema. */
const isEmbeddingInput = (value: unknown) =>
  typeof value === "string" ||
  (Array.isArray(value) && value.length > 0 && (isStringArray(value) || isIntegerArray(value)));

const isEncodingFormat = (value: unknown) => value === "float" || value === "base64";
const isImageResponseFormat = (value: unknown) => value === "url" || value === "b64_json";
const isPositiveInteger = (value: unknown) => isInteger(value) && value > 0;

// ---------------------------------------------------------------------------------------------
// The keys of each call, as in schemas.ts
// ---------------------------------------------------------------------------------------------

const clientOptionChecks: Record<string, Check> = {
  apiKey: isNonEmptyString,
  apiBase: isURL,
  timeout: isMilliseconds,
  maxRetries: isRetryCount,
  maxResponseBytes: isByteCount,
  dropParams: isBoolean,
  signal: isAbortSignal,
  extraHeaders: isStringRecord,
  extraBody: isUnknownRecord,
  dispatcher: isDispatcher,
  fetch: isFunction,
  callbacks: isHandlerArray,
  telemetry: isTelemetry,
};

const chatWireChecks: Record<string, Check> = {
  temperature: isTemperature,
  top_p: isTopP,
  n: isCountFromOne,
  stop: isNullishStop,
  max_tokens: isNullishPositiveInteger,
  max_completion_tokens: isNullishPositiveInteger,
  presence_penalty: isPenalty,
  frequency_penalty: isPenalty,
  logit_bias: isNullishLogitBias,
  logprobs: isNullishBoolean,
  top_logprobs: isNullishTopLogprobs,
  seed: isNullishInteger,
  user: isString,
  response_format: unsure,
  tools: unsure,
  tool_choice: isToolChoice,
  parallel_tool_calls: isBoolean,
  reasoning_effort: isNullishString,
  stream_options: isNullishStreamOptions,
  service_tier: isNullishString,
  modalities: isNullishModalities,
  audio: isNullishAudio,
  prediction: isNullishPrediction,
  web_search_options: isUnknownRecord,
  metadata: isNullishStringRecord,
  store: isNullishBoolean,
  verbosity: isNullishVerbosity,
};

function createRules(required: Record<string, Check>, optional: Record<string, Check>): CallRules {
  const rules = [
    ...Object.entries(required).map(([key, check]) => ({ key, check, required: true })),
    ...Object.entries(optional).map(([key, check]) => ({ key, check, required: false })),
  ];
  return { rules, known: new Set(rules.map((rule) => rule.key)) };
}

const rulesByCall: Record<CallName, CallRules> = {
  completion: createRules(
    { model: isNonEmptyString, messages: isMessageList },
    {
      stream: isNullishBoolean,
      ...chatWireChecks,
      ...clientOptionChecks,
      streamIdleTimeout: isMilliseconds,
      mockResponse: isMockResponse,
      responseFormat: isZodSchema,
    },
  ),
  embedding: createRules(
    { model: isNonEmptyString, input: isEmbeddingInput },
    {
      dimensions: isPositiveInteger,
      encoding_format: isEncodingFormat,
      user: isString,
      ...clientOptionChecks,
    },
  ),
  imageGeneration: createRules(
    { model: isNonEmptyString, prompt: isNonEmptyString },
    {
      n: isCountFromOne,
      size: isString,
      quality: isString,
      response_format: isImageResponseFormat,
      style: isString,
      user: isString,
      background: isString,
      output_format: isString,
      ...clientOptionChecks,
    },
  ),
  listModels: createRules({ provider: isNonEmptyString }, clientOptionChecks),
};

/**
 * Whether `params` surely passes `callName`'s strict schema. `false` means "unsure", not
 * "invalid": the schema decides then. Runs on every call: ~0.5 us for the benchmark's call
 * (`URL.canParse` of `apiBase` ~0.1 us of it), where the per-key zod parse took ~0.9 us; allocates
 * nothing for the usual parameters (a record in `extraHeaders` and the like costs one empty array).
 */
export function quickCheck(callName: CallName, params: Record<string, unknown>): boolean {
  const { rules, known } = rulesByCall[callName];
  for (const { key, check, required } of rules) {
    const value = params[key];
    if (value === undefined && !required) continue;
    if (!check(value)) return false;
  }
  for (const key in params) if (!known.has(key)) return false;
  return true;
}
