/**
 * OpenTelemetry after the GenAI semantic conventions (`gen-ai-spans.md`, `gen-ai-metrics.md`):
 * one CLIENT span per call, named `{gen_ai.operation.name} {gen_ai.request.model}`, and the
 * client histograms. It is one more consumer of a call's {@link CallTracker} events, made only
 * when a provider is registered and the call did not say `telemetry: false`.
 */
import { VERSION } from "../version.js";
import type { CallbackEvent } from "./callbacks.js";
import type { CallbackName } from "./emit-event.js";
import {
  type Attributes,
  type Histogram,
  hasOpenTelemetryProvider,
  loadOpenTelemetry,
  type Meter,
  type OpenTelemetry,
  type Span,
} from "./load-opentelemetry.js";

/** What a call's tracker tells its telemetry, besides the events. */
export interface CallTelemetry {
  /** Every event of the call, as the handlers get it. */
  event(name: CallbackName, event: CallbackEvent): void;
  /** The resolved base URL the call is sent to (`server.address`, `server.port`). */
  server(apiBase: string): void;
  /**
   * Runs `run` with the call's span as the active one, so that what it starts (the HTTP
   * request, and the spans of an HTTP instrumentation) is a child of the call's span.
   */
  within<T>(run: () => T): T;
}

/** `gen_ai.operation.name` of each call type that has one. */
const OPERATIONS: Readonly<Record<string, string>> = {
  completion: "chat",
  embedding: "embeddings",
};

/** `gen_ai.provider.name` where the conventions name the provider otherwise than llmux does. */
const PROVIDER_NAMES: Readonly<Record<string, string>> = { gemini: "gcp.gemini" };

/** Wire parameter -> `gen_ai.request.*` attribute, copied when a number is given. */
const NUMBER_PARAMS: ReadonlyArray<readonly [string, string]> = [
  ["temperature", "gen_ai.request.temperature"],
  ["max_tokens", "gen_ai.request.max_tokens"],
  ["max_completion_tokens", "gen_ai.request.max_tokens"],
  ["top_p", "gen_ai.request.top_p"],
  ["top_k", "gen_ai.request.top_k"],
  ["frequency_penalty", "gen_ai.request.frequency_penalty"],
  ["presence_penalty", "gen_ai.request.presence_penalty"],
  ["seed", "gen_ai.request.seed"],
  ["dimensions", "gen_ai.embeddings.dimension.count"],
];

/** The conventions' advised buckets (seconds; tokens). */
const SECONDS_BUCKETS = [
  0.01, 0.02, 0.04, 0.08, 0.16, 0.32, 0.64, 1.28, 2.56, 5.12, 10.24, 20.48, 40.96, 81.92,
];
const TOKEN_BUCKETS = [
  1, 4, 16, 64, 256, 1024, 4096, 16384, 65536, 262144, 1048576, 4194304, 16777216, 67108864,
];

const SCOPE = "llmux";

interface Instruments {
  readonly duration: Histogram;
  readonly tokens: Histogram;
  readonly firstChunk: Histogram;
}

/** Made once per meter provider: the SDK keeps one storage per instrument. */
const instrumentsByProvider = new WeakMap<object, Instruments>();

/**
 * The telemetry of one call, or `undefined` (synchronously, no import, no allocation) when no
 * provider is registered, the call says `telemetry: false`, or its type has no GenAI operation.
 */
export function telemetryFor(
  params: unknown,
  callType: string,
): Promise<CallTelemetry | undefined> | undefined {
  if (!hasOpenTelemetryProvider()) return undefined;
  const option = (params as { telemetry?: unknown } | null | undefined)?.telemetry;
  if (option === false) return undefined;
  const operation = OPERATIONS[callType];
  if (operation === undefined) return undefined;
  const recordContent =
    typeof option === "object" &&
    option !== null &&
    (option as { recordContent?: unknown }).recordContent === true;
  // A zod schema is a client object, left out of events: the span learns of it here.
  const schemaGiven = (params as { responseFormat?: unknown } | null)?.responseFormat !== undefined;
  return loadOpenTelemetry().then((api) =>
    api === undefined ? undefined : createCallTelemetry(api, operation, recordContent, schemaGiven),
  );
}

function createCallTelemetry(
  api: OpenTelemetry,
  operation: string,
  recordContent: boolean,
  schemaGiven: boolean,
): CallTelemetry {
  const tracer = api.trace.getTracer(SCOPE, VERSION);
  const instruments = instrumentsOf(api.metrics.getMeterProvider());
  let span: Span | undefined;
  let startedAt = 0;
  let requestModel = "";
  let address: string | undefined;
  let port: number | undefined;

  const start = (event: CallbackEvent) => {
    startedAt = performance.now();
    requestModel = event.model;
    const attributes: Attributes = {
      "gen_ai.operation.name": operation,
      "gen_ai.request.model": event.model,
    };
    if (event.provider !== "") attributes["gen_ai.provider.name"] = providerName(event.provider);
    requestAttributes(event.params, attributes);
    const outputType = schemaGiven ? "json" : outputTypeOf(event.params);
    if (outputType !== undefined) attributes["gen_ai.output.type"] = outputType;
    if (recordContent && operation === "chat") {
      attributes["gen_ai.input.messages"] = JSON.stringify(inputMessages(event.params.messages));
    }
    span = tracer.startSpan(`${operation} ${event.model}`, {
      kind: api.SpanKind.CLIENT,
      attributes,
    });
  };

  const end = (event: CallbackEvent, error: unknown) => {
    const common: Attributes = {
      "gen_ai.operation.name": operation,
      "gen_ai.request.model": requestModel,
    };
    if (event.provider !== "") common["gen_ai.provider.name"] = providerName(event.provider);
    if (address !== undefined) common["server.address"] = address;
    if (port !== undefined) common["server.port"] = port;
    const response = responseOf(event.response);
    if (response?.model !== undefined) common["gen_ai.response.model"] = response.model;
    if (error !== undefined) common["error.type"] = errorType(error);

    const attributes: Attributes = { ...common };
    if (response?.id !== undefined) attributes["gen_ai.response.id"] = response.id;
    if (response !== undefined && response.finishReasons.length > 0) {
      attributes["gen_ai.response.finish_reasons"] = response.finishReasons;
    }
    const input = event.usage?.prompt_tokens;
    const output = event.usage?.completion_tokens;
    if (typeof input === "number") attributes["gen_ai.usage.input_tokens"] = input;
    if (typeof output === "number") attributes["gen_ai.usage.output_tokens"] = output;
    if (recordContent && response !== undefined && response.outputMessages.length > 0) {
      attributes["gen_ai.output.messages"] = JSON.stringify(response.outputMessages);
    }

    if (span !== undefined) {
      span.setAttributes(attributes);
      if (error !== undefined) {
        span.setStatus({ code: api.SpanStatusCode.ERROR, message: errorMessage(error) });
      }
      span.end();
      span = undefined;
    }

    instruments.duration.record((performance.now() - startedAt) / 1000, common);
    if (typeof input === "number") {
      instruments.tokens.record(input, { ...common, "gen_ai.token.type": "input" });
    }
    if (typeof output === "number") {
      instruments.tokens.record(output, { ...common, "gen_ai.token.type": "output" });
    }
    if (event.stream && event.timeToFirstChunkMs !== undefined) {
      instruments.firstChunk.record(event.timeToFirstChunkMs / 1000, common);
    }
  };

  return {
    event(name, event) {
      if (name === "onStart") start(event);
      else if (name === "onSuccess") end(event, undefined);
      else if (name === "onFailure") end(event, event.error ?? new Error("unknown failure"));
    },
    within(run) {
      if (span === undefined) return run();
      return api.context.with(api.trace.setSpan(api.context.active(), span), run);
    },
    server(apiBase) {
      try {
        const url = new URL(apiBase);
        address = url.hostname;
        port = url.port !== "" ? Number(url.port) : url.protocol === "http:" ? 80 : 443;
      } catch {
        // An invalid base fails the call before any request; the span goes without a server.
      }
    },
  };
}

function instrumentsOf(provider: { getMeter(name: string, version?: string): Meter }): Instruments {
  let instruments = instrumentsByProvider.get(provider);
  if (instruments !== undefined) return instruments;
  const meter = provider.getMeter(SCOPE, VERSION);
  instruments = {
    duration: meter.createHistogram("gen_ai.client.operation.duration", {
      description: "GenAI operation duration.",
      unit: "s",
      advice: { explicitBucketBoundaries: SECONDS_BUCKETS },
    }),
    tokens: meter.createHistogram("gen_ai.client.token.usage", {
      description: "Number of input and output tokens used.",
      unit: "{token}",
      advice: { explicitBucketBoundaries: TOKEN_BUCKETS },
    }),
    firstChunk: meter.createHistogram("gen_ai.client.operation.time_to_first_chunk", {
      description: "Time to receive the first chunk of a streamed answer.",
      unit: "s",
      advice: { explicitBucketBoundaries: SECONDS_BUCKETS },
    }),
  };
  instrumentsByProvider.set(provider, instruments);
  return instruments;
}

function providerName(provider: string): string {
  return PROVIDER_NAMES[provider] ?? provider;
}

/** The `gen_ai.request.*` attributes of the parameters given (never a client option). */
function requestAttributes(params: Readonly<Record<string, unknown>>, attributes: Attributes) {
  for (const [key, attribute] of NUMBER_PARAMS) {
    const value = params[key];
    if (typeof value === "number") attributes[attribute] = value;
  }
  const n = params.n;
  if (typeof n === "number" && n !== 1) attributes["gen_ai.request.choice.count"] = n;
  const stop = params.stop;
  if (typeof stop === "string") attributes["gen_ai.request.stop_sequences"] = [stop];
  else if (Array.isArray(stop) && stop.every((item) => typeof item === "string")) {
    attributes["gen_ai.request.stop_sequences"] = stop;
  }
  const encoding = params.encoding_format;
  if (typeof encoding === "string") attributes["gen_ai.request.encoding_formats"] = [encoding];
}

/**
 * `gen_ai.output.type` of a `response_format`: `json` for `json_schema`/`json_object`, `text`
 * for `{ type: "text" }` (and `json` for `responseFormat`, seen before the params lose it).
 */
function outputTypeOf(params: Readonly<Record<string, unknown>>): string | undefined {
  const format = params.response_format;
  const type =
    typeof format === "object" && format !== null ? (format as { type?: unknown }).type : undefined;
  if (type === "json_schema" || type === "json_object") return "json";
  return type === "text" ? "text" : undefined;
}

interface ResponseFacts {
  readonly id: string | undefined;
  readonly model: string | undefined;
  readonly finishReasons: string[];
  readonly outputMessages: unknown[];
}

/** What the span takes from an answer (a chat completion, a rebuilt stream, an embedding list). */
function responseOf(response: unknown): ResponseFacts | undefined {
  if (typeof response !== "object" || response === null) return undefined;
  const { id, model, choices } = response as { id?: unknown; model?: unknown; choices?: unknown };
  const finishReasons: string[] = [];
  const outputMessages: unknown[] = [];
  if (Array.isArray(choices)) {
    for (const choice of choices as Array<{ finish_reason?: unknown; message?: unknown }>) {
      const reason = typeof choice?.finish_reason === "string" ? choice.finish_reason : undefined;
      if (reason !== undefined) finishReasons.push(reason);
      const message = choice?.message as Record<string, unknown> | undefined;
      if (message !== undefined) {
        outputMessages.push({
          role: "assistant",
          parts: messageParts(message),
          finish_reason: reason ?? null,
        });
      }
    }
  }
  return {
    id: typeof id === "string" && id !== "" ? id : undefined,
    model: typeof model === "string" && model !== "" ? model : undefined,
    finishReasons,
    outputMessages,
  };
}

/** OpenAI's messages in the conventions' shape: `{ role, parts: [{ type, ... }] }`. */
function inputMessages(messages: unknown): unknown[] {
  if (!Array.isArray(messages)) return [];
  return messages.map((message: Record<string, unknown>) => ({
    role: message?.role,
    parts: messageParts(message ?? {}),
  }));
}

function messageParts(message: Record<string, unknown>): unknown[] {
  const parts: unknown[] = [];
  const content = message.content;
  if (message.role === "tool") {
    parts.push({ type: "tool_call_response", id: message.tool_call_id, response: content });
    return parts;
  }
  if (typeof content === "string") parts.push({ type: "text", content });
  else if (Array.isArray(content)) {
    for (const part of content as Array<Record<string, unknown>>) {
      if (part?.type === "text") parts.push({ type: "text", content: part.text });
      else parts.push({ type: String(part?.type) });
    }
  }
  if (Array.isArray(message.tool_calls)) {
    for (const call of message.tool_calls as Array<Record<string, unknown>>) {
      const fn = call?.function as { name?: unknown; arguments?: unknown } | undefined;
      parts.push({ type: "tool_call", id: call?.id, name: fn?.name, arguments: fn?.arguments });
    }
  }
  return parts;
}

/** `error.type`: the error's class name (llmux's errors set `name` to it). */
function errorType(error: unknown): string {
  if (error instanceof Error) return error.name !== "" ? error.name : error.constructor.name;
  return "_OTHER";
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
