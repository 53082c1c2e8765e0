/**
 * `anthropic/<model>` streams: recorded Messages API streams replayed from the local server,
 * whole and split at awkward places, mapped to OpenAI chunks, and rebuilt by
 * `streamChunkBuilder` into the answer a non-streamed call of the same content gives.
 */
import { describe, expect, it } from "vitest";
import {
  APIConnectionError,
  type CompletionParams,
  completion,
  type Message,
  type ModelResponse,
  type ModelResponseStream,
  registerProvider,
  ServiceUnavailableError,
  streamChunkBuilder,
} from "../src/index.js";
import { anthropic } from "../src/providers/anthropic/anthropic-provider.js";
import { accumulateMessage, eventsOf, streamBody } from "./fixtures/anthropic/anthropic-wire.js";
import { collect, readUntilError } from "./helpers/collect.js";
import {
  sendEvents,
  sendJson,
  splitAt,
  startEvents,
  useTestServer,
  writePieces,
} from "./helpers/server.js";

registerProvider(anthropic);

const server = useTestServer();
const messages: Message[] = [{ role: "user", content: "Hello" }];

function call(extra: Partial<CompletionParams> = {}) {
  return {
    model: "anthropic/claude-sonnet-4-5",
    messages,
    apiKey: "sk-ant-test",
    apiBase: server.origin,
    maxRetries: 0,
    ...extra,
  };
}

const streamOf = async (extra: Partial<CompletionParams> = {}) =>
  completion({ ...call(extra), stream: true });

/** Every recorded stream (see fixtures/anthropic/README.md). */
const STREAMS = [
  "sdk-python-basic_response.sse",
  "sdk-python-tool_use_response.sse",
  "sdk-python-refusal_response.sse",
  "vercel-anthropic-text.chunks.txt",
  "vercel-anthropic-clear-thinking.1.chunks.txt",
  "vercel-anthropic-claude-sonnet-5-reasoning-generic.chunks.txt",
  "vercel-anthropic-json-tool.1.chunks.txt",
  "vercel-anthropic-tool-no-args.chunks.txt",
  "vercel-anthropic-code-execution-20260120-prompt-cache.1.chunks.txt",
  "vercel-anthropic-refusal.chunks.txt",
];

/**
 * Serves a fixture: a streamed request gets its events as recorded (or cut into `pieces`), a
 * non-streamed one the Message those events add up to.
 */
function serve(name: string, pieces?: (bytes: Buffer) => Uint8Array[]) {
  const body = streamBody(name);
  const message = accumulateMessage(eventsOf(body));
  server.handle(async (request, response) => {
    if (request.json?.stream !== true) return sendJson(response, 200, message);
    if (pieces === undefined) return sendEvents(response, body.toString("utf8"));
    startEvents(response);
    await writePieces(response, pieces(body), 1);
    response.end();
  });
  return message;
}

/**
 * Offsets that cut a stream where a parser is likeliest to slip: inside each multi-byte UTF-8
 * character, between the two line feeds that end an event, inside `event:` and after `data:`.
 */
function awkwardOffsets(bytes: Buffer): number[] {
  const offsets: number[] = [];
  for (let index = 1; index < bytes.length; index++) {
    const byte = bytes[index] as number;
    if ((byte & 0xc0) === 0x80) offsets.push(index);
    if (byte === 0x0a && bytes[index - 1] === 0x0a) offsets.push(index);
  }
  for (const marker of ["event:", "data:"]) {
    for (let at = bytes.indexOf(marker); at !== -1; at = bytes.indexOf(marker, at + 1)) {
      offsets.push(at + 3, at + marker.length);
    }
  }
  return offsets;
}

/** A chunk without its `created` (the second of the call, which may differ between calls). */
const withoutCreated = (chunk: ModelResponseStream) => ({ ...chunk, created: 0 });

/** Tool calls with their arguments parsed: a stream sends Anthropic's own JSON text, an answer `JSON.stringify(input)`. */
function parsedToolCalls(response: ModelResponse) {
  return response.choices[0]?.message.tool_calls?.map((toolCall) =>
    toolCall.type === "function"
      ? {
          ...toolCall,
          function: { ...toolCall.function, arguments: JSON.parse(toolCall.function.arguments) },
        }
      : toolCall,
  );
}

/** The signed thinking blocks a stream's deltas carry, in order. */
const thinkingBlocksOf = (chunks: readonly ModelResponseStream[]) =>
  chunks.flatMap(
    (chunk) => (chunk.choices[0]?.delta.thinking_blocks as unknown[] | undefined) ?? [],
  );

describe.each(STREAMS)("%s", (name) => {
  it("rebuilt by streamChunkBuilder, is the non-streamed answer of the same content", async () => {
    const message = serve(name);
    const chunks = await collect(await streamOf());
    const rebuilt = streamChunkBuilder(chunks);
    const answer = await completion({ ...call(), stream: false });

    for (const chunk of chunks) {
      expect(chunk).toMatchObject({
        id: message.id,
        object: "chat.completion.chunk",
        model: message.model,
      });
    }
    expect(chunks[0]?.choices[0]?.delta).toMatchObject({ role: "assistant" });
    // The usage chunk comes last, alone.
    expect(chunks.at(-1)?.choices).toEqual([]);
    expect(chunks.filter((chunk) => chunk.usage != null)).toHaveLength(1);

    expect(rebuilt.id).toBe(answer.id);
    expect(rebuilt.model).toBe(answer.model);
    const [streamed, whole] = [rebuilt.choices[0], answer.choices[0]];
    expect(streamed?.finish_reason).toBe(whole?.finish_reason);
    expect(streamed?.message.content).toBe(whole?.message.content);
    expect(streamed?.message.reasoning_content).toBe(whole?.message.reasoning_content);
    expect(parsedToolCalls(rebuilt)).toEqual(parsedToolCalls(answer));
    expect(rebuilt.usage).toEqual(answer.usage);
    // streamChunkBuilder does not join `thinking_blocks` (yet): they are read from the deltas.
    const thinkingBlocks = thinkingBlocksOf(chunks);
    expect(thinkingBlocks).toEqual(answer.choices[0]?.message.thinking_blocks ?? []);
  });

  it("split at awkward places, gives the same chunks", async () => {
    serve(name);
    const whole = await collect(await streamOf());
    serve(name, (bytes) => splitAt(bytes, awkwardOffsets(bytes)));
    const split = await collect(await streamOf());
    expect(split.map(withoutCreated)).toEqual(whole.map(withoutCreated));
  });
});

describe("stream mapping", () => {
  it("text and a tool call: content deltas, then the call at its own index, pieces by pieces", async () => {
    serve("sdk-python-tool_use_response.sse");
    const chunks = await collect(await streamOf());
    expect(
      chunks.map((chunk) => [
        chunk.choices[0]?.delta ?? null,
        chunk.choices[0]?.finish_reason ?? null,
      ]),
    ).toEqual([
      [{ role: "assistant", content: "I" }, null],
      [{ content: "'ll check the current weather in Paris for you." }, null],
      [
        {
          tool_calls: [
            {
              index: 0,
              id: "toolu_01NRLabsLyVHZPKxbKvkfSMn",
              type: "function",
              function: { name: "get_weather", arguments: "" },
            },
          ],
        },
        null,
      ],
      [{ tool_calls: [{ index: 0, function: { arguments: '{"locati' } }] }, null],
      [{ tool_calls: [{ index: 0, function: { arguments: 'on": "P' } }] }, null],
      [{ tool_calls: [{ index: 0, function: { arguments: "ar" } }] }, null],
      [{ tool_calls: [{ index: 0, function: { arguments: 'is"}' } }] }, null],
      [{}, "tool_calls"],
      [null, null],
    ]);
    expect(chunks.at(-1)?.usage).toEqual({
      prompt_tokens: 377,
      completion_tokens: 65,
      total_tokens: 442,
      prompt_tokens_details: { cached_tokens: 0, cache_creation_tokens: 0 },
      cache_creation_input_tokens: 0,
      cache_read_input_tokens: 0,
    });
  });

  it("thinking: reasoning_content pieces, then the whole signed block once it ends", async () => {
    serve("vercel-anthropic-clear-thinking.1.chunks.txt");
    const chunks = await collect(await streamOf());
    const deltas = chunks.map((chunk) => chunk.choices[0]?.delta);
    const reasoning = deltas.flatMap((delta) =>
      delta?.reasoning_content ? [delta.reasoning_content] : [],
    );
    expect(reasoning.join("")).toBe(
      "The previous result was 925. Now I need to divide that by 5.\n\n925 ÷ 5 = 185",
    );
    const blockAt = deltas.findIndex((delta) => delta?.thinking_blocks !== undefined);
    const textAt = deltas.findIndex((delta) => delta?.content !== undefined);
    expect(blockAt).toBeLessThan(textAt);
    expect(deltas[blockAt]).toEqual({
      thinking_blocks: [
        {
          type: "thinking",
          thinking: reasoning.join(""),
          signature: expect.stringMatching(/^EvQBCkYICxgCKkAxhD4N.*Ca17BgB$/),
        },
      ],
    });
  });

  it("a tool call that got no argument pieces ends with arguments {}", async () => {
    serve("vercel-anthropic-tool-no-args.chunks.txt");
    const rebuilt = streamChunkBuilder(await collect(await streamOf()));
    expect(rebuilt.choices[0]?.message.tool_calls?.[0]).toEqual({
      id: "toolu_01QE1WLsSVp5hy5Q3GmGTmjP",
      type: "function",
      function: { name: "updateIssueList", arguments: "{}" },
    });
  });

  it("server tool blocks send no tool call; cache reads and writes come with the usage", async () => {
    serve("vercel-anthropic-code-execution-20260120-prompt-cache.1.chunks.txt");
    const chunks = await collect(await streamOf());
    expect(chunks.some((chunk) => chunk.choices[0]?.delta.tool_calls !== undefined)).toBe(false);
    expect(chunks.at(-1)?.usage).toMatchObject({
      prompt_tokens: 6 + 3337 + 6289,
      completion_tokens: 198,
      prompt_tokens_details: { cached_tokens: 6289, cache_creation_tokens: 3337 },
    });
  });

  it("with stream_options.include_usage false, no usage chunk", async () => {
    serve("sdk-python-basic_response.sse");
    const chunks = await collect(await streamOf({ stream_options: { include_usage: false } }));
    expect(chunks.at(-1)?.choices[0]?.finish_reason).toBe("stop");
    expect(chunks.some((chunk) => chunk.usage != null)).toBe(false);
  });

  it("leaving the loop early closes the connection", async () => {
    serve("vercel-anthropic-text.chunks.txt", (bytes) => splitAt(bytes, awkwardOffsets(bytes)));
    for await (const _ of await streamOf()) break;
    const request = server.requests[0]!;
    await request.closed;
    expect(request.clientAborted()).toBe(true);
  });
});

describe("error events", () => {
  const overloaded = streamBody("error-overloaded.sse").toString("utf8");

  it("an overloaded error as the first event fails the attempt, which is retried", async () => {
    const bodies = [overloaded, streamBody("sdk-python-basic_response.sse").toString("utf8")];
    server.handle((_, response) => sendEvents(response, bodies.shift() ?? overloaded));
    const chunks = await collect(await streamOf({ maxRetries: 1 }));
    expect(server.requests).toHaveLength(2);
    expect(streamChunkBuilder(chunks).choices[0]?.message.content).toBe("Hello there!");
  });

  it("without retries left, it rejects the call as a retryable ServiceUnavailableError", async () => {
    server.handle((_, response) => sendEvents(response, overloaded));
    const error = await streamOf().catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ServiceUnavailableError);
    expect(error).toMatchObject({ type: "overloaded_error", isRetryable: true, attempts: 1 });
    expect((error as Error).message).toContain("anthropic/claude-sonnet-4-5: Overloaded");
  });

  it("mid-stream, it is thrown from the iterator after the chunks before it", async () => {
    const events = streamBody("sdk-python-basic_response.sse").toString("utf8").split("\n\n");
    // The recorded stream up to its second text delta, then the recorded error event.
    const cut = events.slice(0, 5).join("\n\n");
    server.handle((_, response) => sendEvents(response, `${cut}\n\n${overloaded}`));
    const { seen, error } = await readUntilError(await streamOf());
    expect(seen.join("")).toBe("Hello there");
    expect(error).toBeInstanceOf(ServiceUnavailableError);
  });

  it("a connection dropped mid-stream is an APIConnectionError from the iterator, after the chunks before it", async () => {
    const body = streamBody("sdk-python-basic_response.sse").toString("utf8");
    server.handle(async (_, response) => {
      startEvents(response);
      response.write(body.slice(0, body.indexOf("event: content_block_stop")));
      await new Promise((resolve) => setTimeout(resolve, 20));
      response.destroy();
    });
    const { seen, error } = await readUntilError(await streamOf());
    expect(seen.join("")).toBe("Hello there!");
    expect(error).toBeInstanceOf(APIConnectionError);
  });
});

describe("an overloaded error right after message_start", () => {
  const start = `event: message_start\ndata: ${JSON.stringify({
    type: "message_start",
    message: {
      id: "msg_1",
      type: "message",
      role: "assistant",
      model: "claude-sonnet-4-5",
      content: [],
      usage: { input_tokens: 5, output_tokens: 1 },
    },
  })}\n\n`;
  const overloaded = `event: error\ndata: ${JSON.stringify({
    type: "error",
    error: { type: "overloaded_error", message: "Overloaded" },
  })}\n\n`;
  const text = (content: string) =>
    `event: content_block_start\ndata: ${JSON.stringify({ type: "content_block_start", index: 0, content_block: { type: "text", text: "" } })}\n\nevent: content_block_delta\ndata: ${JSON.stringify({ type: "content_block_delta", index: 0, delta: { type: "text_delta", text: content } })}\n\nevent: message_stop\ndata: {"type":"message_stop"}\n\n`;

  it("comes before the first chunk: the attempt fails and is retried", async () => {
    let requests = 0;
    server.handle((_, response) =>
      sendEvents(response, requests++ === 0 ? start + overloaded : start + text("Hi there"), {
        "retry-after-ms": "0",
      }),
    );
    const stream = await streamOf({ maxRetries: 1 });
    const chunks = await collect(stream);
    expect(chunks.map((chunk) => chunk.choices[0]?.delta.content ?? "").join("")).toBe("Hi there");
    expect(stream._hidden_params.attempts).toBe(2);
  });
});
