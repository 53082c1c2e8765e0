// The benchmark's server: an OpenAI-compatible /chat/completions in its own process, answering
// from prebuilt payloads so that the client is what is measured. A base URL of
// `/chunks/N/v1` makes a streamed answer N content chunks long (plus finish, usage and [DONE]).
// `POST .../v1/messages` answers a stream in Anthropic's Messages protocol, N text deltas long
// (events as Anthropic's streaming docs show them).
import { createServer } from "node:http";

const created = 1_764_000_000;
const completionBody = Buffer.from(
  JSON.stringify({
    id: "chatcmpl-bench",
    object: "chat.completion",
    created,
    model: "gpt-5-2025-08-07",
    system_fingerprint: "fp_bench",
    choices: [
      {
        index: 0,
        message: {
          role: "assistant",
          content: "Hello! How can I help you today?",
          refusal: null,
          annotations: [],
        },
        logprobs: null,
        finish_reason: "stop",
      },
    ],
    usage: {
      prompt_tokens: 9,
      completion_tokens: 9,
      total_tokens: 18,
      prompt_tokens_details: { cached_tokens: 0, audio_tokens: 0 },
      completion_tokens_details: { reasoning_tokens: 0, audio_tokens: 0 },
    },
    service_tier: "default",
  }),
);

const event = (choices, extra = {}) =>
  `data: ${JSON.stringify({
    id: "chatcmpl-bench",
    object: "chat.completion.chunk",
    created,
    model: "gpt-5-2025-08-07",
    service_tier: "default",
    system_fingerprint: "fp_bench",
    choices,
    ...extra,
  })}\n\n`;

const EVENTS_PER_WRITE = 16;
const streams = new Map();

/** The stream of `count` content chunks, as buffers of EVENTS_PER_WRITE events each. */
function streamPayload(count) {
  let payload = streams.get(count);
  if (payload) return payload;
  const events = [
    event([
      {
        index: 0,
        delta: { role: "assistant", content: "", refusal: null },
        logprobs: null,
        finish_reason: null,
      },
    ]),
  ];
  for (let index = 0; index < count; index++) {
    events.push(
      event([
        { index: 0, delta: { content: ` tok${index % 100}` }, logprobs: null, finish_reason: null },
      ]),
    );
  }
  events.push(event([{ index: 0, delta: {}, logprobs: null, finish_reason: "stop" }]));
  events.push(
    event([], { usage: { prompt_tokens: 9, completion_tokens: count, total_tokens: count + 9 } }),
  );
  events.push("data: [DONE]\n\n");
  payload = [];
  for (let index = 0; index < events.length; index += EVENTS_PER_WRITE) {
    payload.push(Buffer.from(events.slice(index, index + EVENTS_PER_WRITE).join("")));
  }
  streams.set(count, payload);
  return payload;
}

const anthropicEvent = (type, data) =>
  `event: ${type}\ndata: ${JSON.stringify({ type, ...data })}\n\n`;
const anthropicStreams = new Map();

/** An Anthropic Messages stream of `count` text deltas, as buffers of EVENTS_PER_WRITE events. */
function anthropicPayload(count) {
  let payload = anthropicStreams.get(count);
  if (payload) return payload;
  const events = [
    anthropicEvent("message_start", {
      message: {
        id: "msg_bench",
        type: "message",
        role: "assistant",
        model: "claude-sonnet-4-5-20250929",
        content: [],
        stop_reason: null,
        stop_sequence: null,
        usage: { input_tokens: 9, output_tokens: 1 },
      },
    }),
    anthropicEvent("content_block_start", { index: 0, content_block: { type: "text", text: "" } }),
    anthropicEvent("ping", {}),
  ];
  for (let index = 0; index < count; index++) {
    events.push(
      anthropicEvent("content_block_delta", {
        index: 0,
        delta: { type: "text_delta", text: ` tok${index % 100}` },
      }),
    );
  }
  events.push(anthropicEvent("content_block_stop", { index: 0 }));
  events.push(
    anthropicEvent("message_delta", {
      delta: { stop_reason: "end_turn", stop_sequence: null },
      usage: { output_tokens: count },
    }),
  );
  events.push(anthropicEvent("message_stop", {}));
  payload = [];
  for (let index = 0; index < events.length; index += EVENTS_PER_WRITE) {
    payload.push(Buffer.from(events.slice(index, index + EVENTS_PER_WRITE).join("")));
  }
  anthropicStreams.set(count, payload);
  return payload;
}

async function writeStream(response, payload) {
  response.writeHead(200, {
    "content-type": "text/event-stream",
    "cache-control": "no-cache",
    "x-request-id": "req_bench",
  });
  for (const buffer of payload) {
    if (!response.write(buffer)) {
      await new Promise((resolve) => response.once("drain", resolve));
    }
    if (response.destroyed) return;
  }
  response.end();
}

const server = createServer((request, response) => {
  const chunks = [];
  request.on("data", (chunk) => chunks.push(chunk));
  request.on("end", () => {
    const body = Buffer.concat(chunks).toString("latin1");
    const match = /^\/chunks\/(\d+)\//.exec(request.url ?? "");
    if ((request.url ?? "").endsWith("/v1/messages")) {
      writeStream(response, anthropicPayload(match ? Number(match[1]) : 100)).catch(() =>
        response.destroy(),
      );
      return;
    }
    if (body.includes('"stream":true')) {
      writeStream(response, streamPayload(match ? Number(match[1]) : 100)).catch(() =>
        response.destroy(),
      );
      return;
    }
    response.writeHead(200, {
      "content-type": "application/json",
      "content-length": completionBody.length,
      "x-request-id": "req_bench",
    });
    response.end(completionBody);
  });
});
server.keepAliveTimeout = 60_000;
server.listen(0, "127.0.0.1", () => {
  process.stdout.write(`${server.address().port}\n`);
});
process.on("SIGTERM", () => process.exit(0));
