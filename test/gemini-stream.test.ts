/**
 * gemini/ streams: recorded `:streamGenerateContent?alt=sse` bodies replayed byte for byte (and
 * cut at awkward places) become OpenAI chunks, and `streamChunkBuilder` rebuilds from them the
 * answer a non-streamed call gives for the same content.
 */
import type { ServerResponse } from "node:http";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import {
  ContentPolicyViolationError,
  completion,
  type ModelResponse,
  type ModelResponseStream,
  NotFoundError,
  registerProvider,
  ServiceUnavailableError,
  streamChunkBuilder,
} from "../src/index.js";
import { gemini } from "../src/providers/gemini/gemini-provider.js";
import { mapUsage } from "../src/providers/gemini/map-usage.js";
import {
  fixtureBytes,
  fixtureEvents,
  fixtureText,
  joinStreamEvents,
} from "./fixtures/gemini/load-fixture.js";
import { collect, readUntilError } from "./helpers/collect.js";
import { sendEvents, splitAt, startEvents, useTestServer, writePieces } from "./helpers/server.js";

registerProvider(gemini);

const KEY = "AIzaSy-test-key-not-real-0123456789";
const server = useTestServer();

beforeEach(() => {
  for (const name of ["GEMINI_API_KEY", "GOOGLE_API_KEY", "GEMINI_API_BASE"]) vi.stubEnv(name, "");
});
afterEach(() => vi.unstubAllEnvs());

const hi = [{ role: "user" as const, content: "Hi" }];
const options = () => ({ apiKey: KEY, apiBase: server.origin, maxRetries: 0 });

/**
 * Offsets that cut a recorded stream where a reader is most easily wrong: between the CR and
 * the LF of every line end, inside `data:`, inside the first multi-byte UTF-8 characters, and
 * in the middle of each event.
 */
function awkwardOffsets(bytes: Uint8Array): number[] {
  const offsets: number[] = [];
  let multiByte = 0;
  for (let index = 1; index < bytes.length; index++) {
    if (bytes[index - 1] === 0x0d && bytes[index] === 0x0a) offsets.push(index);
    if (bytes[index] === 0x3a && bytes[index - 1] === 0x61) offsets.push(index - 2); // "da|ta:"
    // A continuation byte: the cut falls inside a character.
    if (((bytes[index] ?? 0) & 0xc0) === 0x80 && multiByte++ < 6) offsets.push(index);
  }
  const text = Buffer.from(bytes).toString("latin1");
  for (let at = text.indexOf("data:"); at !== -1; at = text.indexOf("data:", at + 1)) {
    const length = /\r\n\r\n|\n\n/.exec(text.slice(at))?.index ?? text.length - at;
    offsets.push(at + Math.floor(length / 2));
  }
  return offsets;
}

/** Serves a recorded stream: whole, or in pieces written apart. */
function serveStream(fixture: string, split = false): void {
  const bytes = fixtureBytes(fixture);
  server.handle(async (_, response: ServerResponse) => {
    if (!split) {
      sendEvents(response, Buffer.from(bytes).toString("utf8"));
      return;
    }
    startEvents(response);
    await writePieces(response, splitAt(bytes, awkwardOffsets(bytes)), 1);
    response.end();
  });
}

/** Serves a JSON body (a non-streamed answer). */
function serveJson(text: string, status = 200): void {
  server.handle((_, response) => {
    response.writeHead(status, { "content-type": "application/json; charset=UTF-8" });
    response.end(text);
  });
}

async function streamOf(fixture: string, split = false, model = "gemini-2.5-flash") {
  serveStream(fixture, split);
  const stream = await completion({
    model: `gemini/${model}`,
    messages: hi,
    stream: true,
    ...options(),
  });
  return collect(stream);
}

/**
 * The fields both answers must agree on, ids llmux made (random, where Gemini sent none)
 * replaced by a placeholder. `model` is compared apart: see the test.
 */
function comparable(response: ModelResponse) {
  return JSON.parse(
    JSON.stringify({
      id: response.id,
      choices: response.choices.map(({ index, message, finish_reason }) => ({
        index,
        message,
        finish_reason,
      })),
      usage: response.usage,
    }),
    (key, value) =>
      key === "id" && typeof value === "string" && MADE_ID.test(value) ? "<made by llmux>" : value,
  );
}

/** The ids llmux makes: a tool call's, and an answer's when Gemini sends no `responseId`. */
const MADE_ID = /^call_[0-9a-f]{24}$|^chatcmpl-[0-9a-f-]{36}$/;

/**
 * Every recorded stream, with the non-streamed body of the same content: the recorded one where
 * the same call was recorded both ways, else the stream's events joined (`joinStreamEvents`).
 */
const STREAMS: [fixture: string, nonStreamed: () => string][] = [
  [
    "thinking-stream.sse",
    () => JSON.stringify(joinStreamEvents(fixtureEvents("thinking-stream.sse"))),
  ],
  ["cached-tokens.sse", () => fixtureText("cached-tokens.body")],
  [
    "tool-thinking-turn1.sse",
    () => JSON.stringify(joinStreamEvents(fixtureEvents("tool-thinking-turn1.sse"))),
  ],
  [
    "tool-thinking-turn2.sse",
    () => JSON.stringify(joinStreamEvents(fixtureEvents("tool-thinking-turn2.sse"))),
  ],
  [
    "named-tool-call.sse",
    () => JSON.stringify(joinStreamEvents(fixtureEvents("named-tool-call.sse"))),
  ],
  [
    "tool-call-with-id.sse",
    () => JSON.stringify(joinStreamEvents(fixtureEvents("tool-call-with-id.sse"))),
  ],
  ["image-answer.sse", () => JSON.stringify(joinStreamEvents(fixtureEvents("image-answer.sse")))],
  ["finish-safety.sse", () => JSON.stringify(joinStreamEvents(fixtureEvents("finish-safety.sse")))],
  ["recitation.sse", () => JSON.stringify(joinStreamEvents(fixtureEvents("recitation.sse")))],
  ["utf8.sse", () => JSON.stringify(joinStreamEvents(fixtureEvents("utf8.sse")))],
];

describe("gemini/ stream fixtures", () => {
  it.each(STREAMS)(
    "%s: chunks rebuild the non-streamed answer, whole and cut at awkward places",
    async (fixture, nonStreamed) => {
      const whole = await streamOf(fixture);
      const request = server.requests.at(-1);
      expect(request?.url).toBe("/v1beta/models/gemini-2.5-flash:streamGenerateContent?alt=sse");
      expect(request?.headers["x-goog-api-key"]).toBe(KEY);
      expect(request?.json).not.toHaveProperty("stream");
      expect(request?.json).not.toHaveProperty("stream_options");

      const cut = await streamOf(fixture, true);
      serveJson(nonStreamed());
      const answer = await completion({
        model: "gemini/gemini-2.5-flash",
        messages: hi,
        ...options(),
      });

      const expected = comparable(answer);
      expect(comparable(streamChunkBuilder(whole))).toEqual(expected);
      expect(comparable(streamChunkBuilder(cut))).toEqual(expected);
      expect(cut.length).toBe(whole.length);
      // The model Gemini names (`modelVersion`); a body without one (2024's API) is named after
      // the call's model by the stream, and "" by the non-streamed answer until llmux's shared
      // code passes the call's model to `doMapResponse`.
      const modelVersion = fixtureEvents(fixture)[0]?.modelVersion;
      expect(streamChunkBuilder(whole).model).toBe(modelVersion ?? "gemini-2.5-flash");
      expect(answer.model).toBe(modelVersion ?? "gemini-2.5-flash");
    },
  );

  it.each(STREAMS)("%s: one id and model, role first, usage last and once", async (fixture) => {
    const chunks = await streamOf(fixture);
    const events = fixtureEvents(fixture);
    const [first] = chunks;
    expect(first?.choices[0]?.delta.role).toBe("assistant");
    for (const chunk of chunks) {
      expect(chunk.object).toBe("chat.completion.chunk");
      expect([chunk.id, chunk.model, chunk.created]).toEqual([
        first?.id,
        first?.model,
        first?.created,
      ]);
    }
    const usageChunks = chunks.filter((chunk) => chunk.usage != null);
    const lastUsage = events.findLast((event) => event.usageMetadata !== undefined)?.usageMetadata;
    if (lastUsage === undefined) {
      expect(usageChunks).toEqual([]);
      return;
    }
    expect(usageChunks).toHaveLength(1);
    expect(chunks.at(-1)).toEqual({ ...usageChunks[0], choices: [] });
    expect(chunks.at(-1)?.usage).toEqual(mapUsage(lastUsage as Record<string, unknown>));
  });
});

describe("gemini/ stream mapping", () => {
  it("maps thought parts to reasoning_content and text to content, usage on a last chunk", async () => {
    const chunks = await streamOf("thinking-stream.sse", false, "gemini-3-flash-preview");
    const deltas = chunks.map((chunk) => [
      chunk.choices[0]?.delta,
      chunk.choices[0]?.finish_reason,
    ]);
    expect(deltas).toEqual([
      [
        {
          role: "assistant",
          reasoning_content: expect.stringMatching(/^\*\*Defining Solar Eclipse Basics\*\*/),
        },
        null,
      ],
      [{ content: "A solar eclipse occurs when the Moon passes directly between the Earth" }, null],
      [{ content: expect.stringMatching(/^ and the Sun/) }, null],
      [{ content: expect.stringMatching(/^ on the Earth's surface/) }, null],
      [{ content: expect.stringMatching(/^, the eclipse can appear/) }, null],
      [{}, "stop"],
      [undefined, undefined],
    ]);
    expect(chunks[0]).toMatchObject({ id: "id_REDACTED_1", model: "gemini-3-flash-preview" });
    expect(chunks.at(-1)).toMatchObject({
      choices: [],
      usage: {
        prompt_tokens: 26,
        completion_tokens: 86 + 292,
        total_tokens: 404,
        completion_tokens_details: { reasoning_tokens: 292 },
      },
    });
  });

  it("maps a function call after thoughts: index 0, signature kept, finish tool_calls", async () => {
    const chunks = await streamOf("tool-thinking-turn1.sse");
    const call = chunks.flatMap((chunk) => chunk.choices[0]?.delta.tool_calls ?? []);
    expect(call).toEqual([
      {
        index: 0,
        id: expect.stringMatching(/^call_[0-9a-f]{24}$/),
        type: "function",
        function: { name: "get_weather", arguments: '{"city":"Tokyo, Japan"}' },
        extra_content: { google: { thought_signature: "signature_REDACTED_1" } },
      },
    ]);
    expect(chunks.at(-2)?.choices[0]?.finish_reason).toBe("tool_calls");
  });

  it("sends an image as inlineData and streams the answer about it", async () => {
    // The 1x1 red PNG rig sent in the recorded exchange (README.md).
    const png =
      "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8DwHwAFBQIAX8jx0gAAAABJRU5ErkJggg==";
    serveStream("image-answer.sse");
    const chunks = await collect(
      await completion({
        model: "gemini/gemini-3-flash-preview",
        messages: [
          {
            role: "user",
            content: [
              { type: "text", text: "Answer with the dominant color in the image." },
              { type: "image_url", image_url: { url: `data:image/png;base64,${png}` } },
            ],
          },
        ],
        stream: true,
        ...options(),
      }),
    );
    expect(server.requests.at(-1)?.json?.contents).toEqual([
      {
        role: "user",
        parts: [
          { text: "Answer with the dominant color in the image." },
          { inlineData: { mimeType: "image/png", data: png } },
        ],
      },
    ]);
    expect(streamChunkBuilder(chunks).choices[0]?.message.content).toBe(
      "The dominant color in the image is red.",
    );
  });

  it("keeps the id Gemini gives a function call", async () => {
    const chunks = await streamOf("tool-call-with-id.sse", false, "gemini-3-flash-preview");
    expect(chunks[0]?.choices[0]?.delta.tool_calls?.[0]?.id).toBe("call_320");
    expect(chunks[1]?.choices[0]?.finish_reason).toBe("tool_calls");
  });

  it("numbers parallel calls 0, 1 (a recorded answer sent as one event)", async () => {
    const body = fixtureText("parallel-tool-calls.body");
    server.handle((_, response) => sendEvents(response, `data: ${body}\r\n\r\n`));
    const chunks = await collect(
      await completion({
        model: "gemini/gemini-2.5-flash",
        messages: hi,
        stream: true,
        ...options(),
      }),
    );
    const calls = chunks[0]?.choices[0]?.delta.tool_calls ?? [];
    expect(calls.map((call) => [call.index, call.function?.name])).toEqual([
      [0, "add"],
      [1, "subtract"],
    ]);
    expect(calls[0]?.id).not.toBe(calls[1]?.id);
  });

  it("a finishReason on every event (the 2024 API) finishes each chunk; the last reason wins", async () => {
    const chunks = await streamOf("recitation.sse");
    expect(chunks.map((chunk) => chunk.choices[0]?.finish_reason)).toEqual([
      "stop",
      "stop",
      "content_filter",
    ]);
    expect(streamChunkBuilder(chunks).choices[0]?.finish_reason).toBe("content_filter");
  });

  it("stream_options.include_usage false: no usage chunk", async () => {
    serveStream("thinking-stream.sse");
    const chunks = await collect(
      await completion({
        model: "gemini/gemini-2.5-flash",
        messages: hi,
        stream: true,
        stream_options: { include_usage: false },
        ...options(),
      }),
    );
    expect(chunks.filter((chunk) => chunk.usage != null || chunk.choices.length === 0)).toEqual([]);
  });

  it("a blocked prompt is a ContentPolicyViolationError that rejects the call, not retried", async () => {
    serveStream("prompt-blocked.sse", false);
    const error = await completion({
      model: "gemini/gemini-2.5-flash",
      messages: hi,
      stream: true,
      ...options(),
      maxRetries: 2,
    }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ContentPolicyViolationError);
    expect((error as Error).message).toMatch(/blockReason SAFETY/);
    expect(server.requests).toHaveLength(1);
  });
});

describe("gemini/ stream errors", () => {
  const overloaded = fixtureText("error-503-unavailable.body").trim();

  it("an error event after chunks is thrown from the iterator as its class", async () => {
    const events = fixtureText("thinking-stream.sse").split("\r\n\r\n").slice(0, 2);
    server.handle((_, response) =>
      sendEvents(response, `${events.join("\r\n\r\n")}\r\n\r\ndata: ${overloaded}\r\n\r\n`),
    );
    const stream = await completion({
      model: "gemini/gemini-2.5-flash",
      messages: hi,
      stream: true,
      ...options(),
    });
    const { seen, error } = await readUntilError(stream);
    expect(seen).toHaveLength(2);
    expect(error).toBeInstanceOf(ServiceUnavailableError);
    expect(String(error)).toContain("The model is overloaded.");
  });

  it("an error event as the first event fails the attempt, which is retried", async () => {
    let calls = 0;
    const stream = fixtureText("cached-tokens.sse");
    server.handle((_, response) => {
      calls++;
      sendEvents(response, calls === 1 ? `data: ${overloaded}\r\n\r\n` : stream);
    });
    const chunks: ModelResponseStream[] = await collect(
      await completion({
        model: "gemini/gemini-2.5-flash",
        messages: hi,
        stream: true,
        ...options(),
        maxRetries: 1,
      }),
    );
    expect(calls).toBe(2);
    expect(streamChunkBuilder(chunks).choices[0]?.message.content).toBe("cache probe ready");
  });

  it("a 404 answered as text/event-stream (as Gemini does) rejects the call", async () => {
    const body = fixtureText("error-404-not-found.body");
    server.handle((_, response) => {
      response.writeHead(404, { "content-type": "text/event-stream" });
      response.end(body);
    });
    const call = completion({
      model: "gemini/gemini-nonexistent-rig-test",
      messages: hi,
      stream: true,
      ...options(),
    });
    await expect(call).rejects.toThrow(NotFoundError);
    await expect(call).rejects.toThrow(/is not found for API version v1beta/);
  });
});

describe("gemini/ stream with n: 2", () => {
  it("sends the usage chunk once, last, even when a candidate starts after another finished", async () => {
    const usageMetadata = { promptTokenCount: 3, candidatesTokenCount: 2, totalTokenCount: 5 };
    const events = [
      {
        candidates: [
          { index: 0, content: { role: "model", parts: [{ text: "A" }] }, finishReason: "STOP" },
        ],
        usageMetadata,
      },
      {
        candidates: [
          { index: 1, content: { role: "model", parts: [{ text: "B" }] }, finishReason: "STOP" },
        ],
        usageMetadata,
      },
    ];
    server.handle((_, response) =>
      sendEvents(
        response,
        events.map((event) => `data: ${JSON.stringify(event)}\r\n\r\n`).join(""),
      ),
    );
    const chunks = await collect(
      await completion({
        model: "gemini/gemini-2.5-flash",
        messages: hi,
        stream: true,
        n: 2,
        ...options(),
      }),
    );
    const usageChunks = chunks.filter((chunk) => chunk.usage != null);
    expect(usageChunks).toHaveLength(1);
    expect(chunks.at(-1)?.usage).toBeDefined();
  });
});
