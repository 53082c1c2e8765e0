// llmux with what production observes: a process-wide callback and an OpenTelemetry tracer and
// meter provider whose exporters drop everything (what llmux's spans and metrics cost, not an
// exporter's I/O).
import { metrics, trace } from "@opentelemetry/api";
import { MeterProvider } from "@opentelemetry/sdk-metrics";
import { BasicTracerProvider, SimpleSpanProcessor } from "@opentelemetry/sdk-trace-base";
import { addCallback } from "../../dist/index.js";
import { createClient as createLlmuxClient } from "./llmux.mjs";

const dropSpans = { export: (_spans, done) => done({ code: 0 }), shutdown: async () => {} };
trace.setGlobalTracerProvider(
  new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(dropSpans)] }),
);
metrics.setGlobalMeterProvider(new MeterProvider());
addCallback({ onSuccess: () => {}, onFailure: () => {} });

export const createClient = createLlmuxClient;
