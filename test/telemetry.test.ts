/**
 * OpenTelemetry through the real SDK: one CLIENT span per call after the GenAI semantic
 * conventions (a stream's ending when the stream does), the client histograms, content only on
 * opt-in, never a key; and without a registered provider, the API is not even loaded.
 */
import type { ServerResponse } from "node:http";
import { context, metrics, SpanKind, SpanStatusCode, trace } from "@opentelemetry/api";
import { AsyncLocalStorageContextManager } from "@opentelemetry/context-async-hooks";
import {
  type DataPoint,
  type Histogram,
  MeterProvider,
  MetricReader,
} from "@opentelemetry/sdk-metrics";
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  type ReadableSpan,
  SimpleSpanProcessor,
} from "@opentelemetry/sdk-trace-base";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { z } from "zod";
import { completion, embedding, RateLimitError, Router } from "../src/index.js";
import {
  chatCompletionBody,
  chunkBody,
  helloWorldStream,
  usageChunkBody,
} from "./helpers/fixtures.js";
import { sendEvents, sendJson, startEvents, useTestServer, writeEvent } from "./helpers/server.js";

const server = useTestServer();
const messages = [{ role: "user" as const, content: "Hi there" }];
const API_KEY = "sk-telemetry-secret-1234";

/** A call's options against the test server. */
const call = (extra: Record<string, unknown> = {}) => ({
  model: "cometapi/gpt-5",
  messages,
  apiKey: API_KEY,
  apiBase: server.apiBase,
  maxRetries: 0,
  ...extra,
});

/** Collects on demand, as a test wants (the SDK's reader with nothing periodic). */
class TestMetricReader extends MetricReader {
  protected override onForceFlush(): Promise<void> {
    return Promise.resolve();
  }
  protected override onShutdown(): Promise<void> {
    return Promise.resolve();
  }
}

const spans = new InMemorySpanExporter();
const tracerProvider = new BasicTracerProvider({
  spanProcessors: [new SimpleSpanProcessor(spans)],
});
let reader = new TestMetricReader();

function register() {
  trace.setGlobalTracerProvider(tracerProvider);
  reader = new TestMetricReader();
  metrics.setGlobalMeterProvider(new MeterProvider({ readers: [reader] }));
}

function unregister() {
  trace.disable();
  metrics.disable();
}

beforeAll(register);
afterAll(unregister);
afterEach(() => {
  spans.reset();
  unregister();
  register();
});

/** The one span finished, checked to be the only one. */
function onlySpan(): ReadableSpan {
  const finished = spans.getFinishedSpans();
  expect(finished).toHaveLength(1);
  return finished[0] as ReadableSpan;
}

/** The data points of a histogram by name. */
async function histogram(name: string): Promise<DataPoint<Histogram>[]> {
  const { resourceMetrics } = await reader.collect();
  for (const scope of resourceMetrics.scopeMetrics) {
    for (const metric of scope.metrics) {
      if (metric.descriptor.name === name) return metric.dataPoints as DataPoint<Histogram>[];
    }
  }
  return [];
}

describe("spans", () => {
  it("a completion: a CLIENT span `chat gpt-5` with the request, response and usage", async () => {
    server.handle((_, response) => sendJson(response, 200, chatCompletionBody("Hello")));
    await completion(call({ temperature: 0.5, max_tokens: 100, top_p: 0.9, stop: "END", seed: 7 }));
    const span = onlySpan();
    expect(span.name).toBe("chat gpt-5");
    expect(span.kind).toBe(SpanKind.CLIENT);
    expect(span.status.code).toBe(SpanStatusCode.UNSET);
    expect(span.attributes).toEqual({
      "gen_ai.operation.name": "chat",
      "gen_ai.provider.name": "cometapi",
      "gen_ai.request.model": "gpt-5",
      "gen_ai.request.temperature": 0.5,
      "gen_ai.request.max_tokens": 100,
      "gen_ai.request.top_p": 0.9,
      "gen_ai.request.seed": 7,
      "gen_ai.request.stop_sequences": ["END"],
      "gen_ai.response.id": "chatcmpl-abc123",
      "gen_ai.response.model": "gpt-5-2025-08-07",
      "gen_ai.response.finish_reasons": ["stop"],
      "gen_ai.usage.input_tokens": 9,
      "gen_ai.usage.output_tokens": 12,
      "server.address": "127.0.0.1",
      "server.port": Number(new URL(server.apiBase).port),
    });
    expect(JSON.stringify(span.attributes)).not.toContain(API_KEY);
  });

  it("gen_ai.output.type: json for responseFormat and a JSON response_format, none without", async () => {
    server.handle((_, response) =>
      sendJson(response, 200, chatCompletionBody(JSON.stringify({ ok: true }))),
    );
    await completion(call({ responseFormat: z.object({ ok: z.boolean() }) }));
    await completion(call({ response_format: { type: "json_object" } }));
    await completion(call({ response_format: { type: "text" } }));
    await completion(call());
    const types = spans.getFinishedSpans().map((span) => span.attributes["gen_ai.output.type"]);
    expect(types).toEqual(["json", "json", "text", undefined]);
  });

  it("a failure: status ERROR and error.type the error's class name", async () => {
    server.handle((_, response) =>
      sendJson(response, 429, { error: { message: "slow down", type: "rate_limit" } }),
    );
    await expect(completion(call())).rejects.toBeInstanceOf(RateLimitError);
    const span = onlySpan();
    expect(span.status.code).toBe(SpanStatusCode.ERROR);
    expect(span.attributes["error.type"]).toBe("RateLimitError");
    expect(JSON.stringify([span.attributes, span.status, span.events])).not.toContain(API_KEY);
    const [point] = await histogram("gen_ai.client.operation.duration");
    expect(point?.attributes["error.type"]).toBe("RateLimitError");
  });

  it("a stream's span ends when the stream ends, not when it opens", async () => {
    let finish: (() => void) | undefined;
    const finished = new Promise<void>((resolve) => {
      finish = resolve;
    });
    server.handle(async (_, response: ServerResponse) => {
      startEvents(response);
      writeEvent(response, chunkBody({ role: "assistant", content: "Hel" }));
      await finished;
      writeEvent(response, chunkBody({ content: "lo" }, "stop"));
      writeEvent(response, usageChunkBody());
      writeEvent(response, "[DONE]");
      response.end();
    });
    const stream = await completion({ ...call(), stream: true });
    expect(spans.getFinishedSpans()).toHaveLength(0);
    finish?.();
    for await (const _ of stream) {
      // read to the end
    }
    const span = onlySpan();
    expect(span.name).toBe("chat gpt-5");
    expect(span.attributes).toMatchObject({
      "gen_ai.response.id": "chatcmpl-stream1",
      "gen_ai.response.finish_reasons": ["stop"],
      "gen_ai.usage.input_tokens": 9,
      "gen_ai.usage.output_tokens": 3,
    });
    const [firstChunk] = await histogram("gen_ai.client.operation.time_to_first_chunk");
    expect(firstChunk?.value.count).toBe(1);
    expect(firstChunk?.attributes).toMatchObject({ "gen_ai.operation.name": "chat" });
  });

  it("a stream left early ends its span then, without an error", async () => {
    server.handle((_, response) => sendEvents(response, helloWorldStream()));
    const stream = await completion({ ...call(), stream: true });
    for await (const _ of stream) break;
    const span = onlySpan();
    expect(span.status.code).toBe(SpanStatusCode.UNSET);
    expect(span.attributes["error.type"]).toBeUndefined();
  });

  it("an embedding: `embeddings text-embedding-3-small`", async () => {
    server.handle((_, response) =>
      sendJson(response, 200, {
        object: "list",
        data: [{ object: "embedding", index: 0, embedding: [0.1, 0.2] }],
        model: "text-embedding-3-small",
        usage: { prompt_tokens: 2, total_tokens: 2 },
      }),
    );
    await embedding({
      model: "cometapi/text-embedding-3-small",
      input: ["Hi"],
      apiKey: API_KEY,
      apiBase: server.apiBase,
      encoding_format: "float",
    });
    const span = onlySpan();
    expect(span.name).toBe("embeddings text-embedding-3-small");
    expect(span.kind).toBe(SpanKind.CLIENT);
    expect(span.attributes).toMatchObject({
      "gen_ai.operation.name": "embeddings",
      "gen_ai.request.encoding_formats": ["float"],
      "gen_ai.response.model": "text-embedding-3-small",
      "gen_ai.usage.input_tokens": 2,
    });
  });

  it("gemini is `gcp.gemini`; a Router makes one span for the routed call", async () => {
    const router = new Router({
      modelList: [
        {
          modelName: "smart",
          params: { model: "gemini/gemini-2.5-flash", apiKey: API_KEY, mockResponse: "Hi!" },
        },
      ],
    });
    await router.completion({ model: "smart", messages });
    const span = onlySpan();
    expect(span.name).toBe("chat smart");
    expect(span.attributes).toMatchObject({
      "gen_ai.provider.name": "gcp.gemini",
      "gen_ai.request.model": "smart",
    });
  });

  it("`telemetry: false` makes no span and records no metric", async () => {
    server.handle((_, response) => sendJson(response, 200, chatCompletionBody("Hello")));
    await completion(call({ telemetry: false }));
    expect(spans.getFinishedSpans()).toHaveLength(0);
    expect(await histogram("gen_ai.client.operation.duration")).toHaveLength(0);
  });

  it("records messages only with `telemetry: { recordContent: true }`", async () => {
    server.handle((_, response) => sendJson(response, 200, chatCompletionBody("Hello")));
    await completion(call());
    expect(JSON.stringify(onlySpan().attributes)).not.toContain("Hi there");
    spans.reset();
    await completion(call({ telemetry: { recordContent: true } }));
    const attributes = onlySpan().attributes;
    expect(JSON.parse(String(attributes["gen_ai.input.messages"]))).toEqual([
      { role: "user", parts: [{ type: "text", content: "Hi there" }] },
    ]);
    expect(JSON.parse(String(attributes["gen_ai.output.messages"]))).toEqual([
      { role: "assistant", parts: [{ type: "text", content: "Hello" }], finish_reason: "stop" },
    ]);
    expect(JSON.stringify(attributes)).not.toContain(API_KEY);
  });
});

describe("span context", () => {
  const contextManager = new AsyncLocalStorageContextManager();
  beforeAll(() => context.setGlobalContextManager(contextManager.enable()));
  afterAll(() => {
    context.disable();
    contextManager.disable();
  });

  /** A `fetch` that records which span is active when llmux calls it. */
  function fetchSeeingSpans(seen: (string | undefined)[]): typeof fetch {
    return (input, init) => {
      seen.push(trace.getActiveSpan()?.spanContext().spanId);
      return fetch(input, init);
    };
  }

  it("the HTTP request runs inside the call's span (an HTTP instrumentation's span nests under it)", async () => {
    server.handle((_, response) => sendJson(response, 200, chatCompletionBody("Hello")));
    const seen: (string | undefined)[] = [];
    await completion(call({ fetch: fetchSeeingSpans(seen) }));
    expect(seen).toEqual([onlySpan().spanContext().spanId]);
  });

  it("a stream's request and each of a Router's deployments' requests too; the call is a child of the caller's span", async () => {
    let requests = 0;
    server.handle((request, response) => {
      if (requests++ === 0) return sendJson(response, 503, { error: { message: "down" } });
      if (request.json?.stream === true) return sendEvents(response, helloWorldStream());
      return sendJson(response, 200, chatCompletionBody("Hello"));
    });
    const seen: (string | undefined)[] = [];
    const params = {
      model: "cometapi/gpt-5",
      apiKey: API_KEY,
      apiBase: server.apiBase,
      fetch: fetchSeeingSpans(seen),
    };
    // Two deployments: the retry goes to the other one at once.
    const router = new Router({
      modelList: [
        { modelName: "smart", id: "a", params },
        { modelName: "smart", id: "b", params },
      ],
      numRetries: 1,
    });
    const parent = trace.getTracer("app").startSpan("handle request");
    await context.with(trace.setSpan(context.active(), parent), async () => {
      await router.completion({ model: "smart", messages });
      for await (const _ of await router.completion({ model: "smart", messages, stream: true }));
    });
    parent.end();
    const [retried, streamed] = spans
      .getFinishedSpans()
      .filter((span) => span.name === "chat smart");
    expect(seen).toEqual([
      retried?.spanContext().spanId,
      retried?.spanContext().spanId,
      streamed?.spanContext().spanId,
    ]);
    expect(retried?.parentSpanContext?.spanId).toBe(parent.spanContext().spanId);
    expect(streamed?.parentSpanContext?.spanId).toBe(parent.spanContext().spanId);
  });
});

describe("metrics", () => {
  it("records the duration (s) and the input and output tokens", async () => {
    server.handle((_, response) => sendJson(response, 200, chatCompletionBody("Hello")));
    await completion(call());
    const [duration] = await histogram("gen_ai.client.operation.duration");
    expect(duration?.value.count).toBe(1);
    expect(duration?.value.sum).toBeGreaterThan(0);
    expect(duration?.value.sum).toBeLessThan(10);
    expect(duration?.attributes).toEqual({
      "gen_ai.operation.name": "chat",
      "gen_ai.provider.name": "cometapi",
      "gen_ai.request.model": "gpt-5",
      "gen_ai.response.model": "gpt-5-2025-08-07",
      "server.address": "127.0.0.1",
      "server.port": Number(new URL(server.apiBase).port),
    });
    const tokens = await histogram("gen_ai.client.token.usage");
    const byType = Object.fromEntries(
      tokens.map((point) => [point.attributes["gen_ai.token.type"], point.value.sum]),
    );
    expect(byType).toEqual({ input: 9, output: 12 });
  });
});

describe("without a registered provider", () => {
  it("does not load @opentelemetry/api (and loads it once a provider is registered)", async () => {
    unregister();
    vi.resetModules();
    let loads = 0;
    vi.doMock("@opentelemetry/api", async (importOriginal) => {
      loads++;
      return importOriginal();
    });
    try {
      const fresh = await import("../src/index.js");
      server.handle((_, response) => sendJson(response, 200, chatCompletionBody("Hello")));
      await fresh.completion(call());
      await fresh.completion(call({ stream: true, mockResponse: "ok" }));
      expect(loads).toBe(0);
      register();
      await fresh.completion(call());
      expect(loads).toBe(1);
    } finally {
      vi.doUnmock("@opentelemetry/api");
      vi.resetModules();
    }
  });
});
