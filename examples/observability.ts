/**
 * Seeing every call: a process-wide callback (what it cost, how long to the first chunk) and
 * OpenTelemetry spans printed by the console exporter. Against CometAPI when COMETAPI_KEY is set,
 * else the local stand-in. Needs `@opentelemetry/api` and `@opentelemetry/sdk-trace-base`.
 */
import { trace } from "@opentelemetry/api";
import {
  BasicTracerProvider,
  ConsoleSpanExporter,
  SimpleSpanProcessor,
} from "@opentelemetry/sdk-trace-base";
import { addCallback, completion, registerModelInfo } from "../src/index.js";
import { connect } from "./connect.js";

// Spans after the GenAI semantic conventions, printed as each call (or stream) ends.
trace.setGlobalTracerProvider(
  new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(new ConsoleSpanExporter())] }),
);

// Every call in the process, reported when it ends (a stream when its last chunk is read).
addCallback({
  onSuccess: (event) =>
    console.log(
      `callback: ${event.provider}/${event.model} ${event.usage?.total_tokens} tokens, $${event.cost?.toFixed(6)}${event.timeToFirstChunkMs === undefined ? "" : ` (a stream: ${event.timeToFirstChunkMs.toFixed(0)} ms to its first chunk)`}`,
    ),
  onFailure: (event) => console.log(`callback: ${event.model} failed: ${String(event.error)}`),
});

// The stand-in's model has no public price: give one, as you would for your own deployment.
registerModelInfo("cometapi/gpt-4o-mini", {
  inputCostPerToken: 0.15 / 1e6,
  outputCostPerToken: 0.6 / 1e6,
});

const { options, close } = await connect();
await completion({
  model: "cometapi/gpt-4o-mini",
  messages: [{ role: "user", content: "Hello, how are you?" }],
  ...options,
});
const stream = await completion({
  model: "cometapi/gpt-4o-mini",
  messages: [{ role: "user", content: "Count from one to five." }],
  stream: true,
  ...options,
});
for await (const _chunk of stream) {
  // the loop's own work
}
await close();
trace.disable();
