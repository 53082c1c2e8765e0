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
  errorMessage,
  errorType,
  inputMessages,
  outputTypeOf,
  providerName,
  requestAttributes,
  responseOf,
} from "./genai-attributes.js";
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
