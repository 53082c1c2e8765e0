import type { ServerResponse } from "node:http";
import { HttpResponse, http } from "msw";
import { setupServer } from "msw/node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  APIConnectionError,
  APIError,
  AuthenticationError,
  CompletionStream,
  completion,
  InternalServerError,
  LLMError,
  RateLimitError,
  TimeoutError,
} from "../src/index.js";
import { collect, contentOf, readUntilError } from "./helpers/collect.js";
import { chunkBody, helloWorldStream, usageChunkBody } from "./helpers/fixtures.js";
import {
  sendEvents,
  sendJson,
  sleep,
  startEvents,
  useTestServer,
  writeEvent,
} from "./helpers/server.js";

const messages = [{ role: "user" as const, content: "Hi" }];
const server = useTestServer();

/** 1000 chunks, "0 ", "1 ", ..., 5 ms apart, until the client goes away. */
const longStream = async (_: unknown, response: ServerResponse) => {
  startEvents(response);
  for (let index = 0; index < 1000 && !response.destroyed; index++) {
    writeEvent(response, chunkBody({ content: `${index} ` }));
    await sleep(5);
  }
  response.end();
};

const stream = (extra: Record<string, unknown> = {}) =>
  completion({
    model: "cometapi/gpt-5",
    messages,
    stream: true,
    apiKey: "k",
    apiBase: server.apiBase,
    maxRetries: 0,
    ...extra,
  });

describe("CompletionStream", () => {
  it("yields typed chunks, ends at [DONE], and asks for usage", async () => {
    server.handle((_, response) => {
      sendEvents(response, helloWorldStream());
    });
    const result = await stream();
    expect(result).toBeInstanceOf(CompletionStream);
    const chunks = await collect(result);
    expect(contentOf(chunks)).toBe("Hello world");
    expect(chunks).toHaveLength(5);
    expect(chunks[0]).toEqual(chunkBody({ role: "assistant", content: "" }));
    expect(chunks.at(-2)?.choices[0]?.finish_reason).toBe("stop");
    expect(chunks.at(-1)).toEqual(usageChunkBody());
    const body = server.requests[0]!.json!;
    expect(body.stream).toBe(true);
    expect(body.stream_options).toEqual({ include_usage: true });
    expect(result._hidden_params.provider).toBe("cometapi");
    expect(result._hidden_params.attempts).toBe(1);
  });

  it("sends the caller's stream_options unchanged", async () => {
    server.handle((_, response) => {
      sendEvents(response, helloWorldStream());
    });
    await collect(await stream({ stream_options: { include_usage: false } }));
    expect(server.requests[0]!.json!.stream_options).toEqual({ include_usage: false });
  });

  it("delivers each chunk as it arrives, before the next is written", async () => {
    let release!: () => void;
    const released = new Promise<void>((resolve) => {
      release = resolve;
    });
    let secondWritten = false;
    server.handle(async (_, response) => {
      startEvents(response);
      writeEvent(response, chunkBody({ role: "assistant", content: "first" }));
      await released;
      secondWritten = true;
      writeEvent(response, chunkBody({ content: "second" }));
      response.end("data: [DONE]\n\n");
    });
    const seen: string[] = [];
    for await (const chunk of await stream()) {
      seen.push(chunk.choices[0]?.delta.content ?? "");
      if (seen.length === 1) {
        expect(secondWritten).toBe(false);
        release();
      }
    }
    expect(seen).toEqual(["first", "second"]);
  });

  it("ends at a clean end of the body without [DONE]", async () => {
    server.handle((_, response) => {
      startEvents(response);
      writeEvent(response, chunkBody({ content: "a" }));
      response.end(`data: ${JSON.stringify(chunkBody({ content: "b" }, "stop"))}`);
    });
    expect(contentOf(await collect(await stream()))).toBe("ab");
  });

  it("surfaces delta.reasoning as reasoning_content and passes tool-call deltas by index", async () => {
    server.handle((_, response) => {
      startEvents(response);
      writeEvent(response, chunkBody({ reasoning: "thinking" }));
      writeEvent(
        response,
        chunkBody({
          tool_calls: [{ index: 0, type: "function", function: { name: "f", arguments: "" } }],
        }),
      );
      response.end("data: [DONE]\n\n");
    });
    const chunks = await collect(await stream());
    expect(chunks[0]?.choices[0]?.delta.reasoning_content).toBe("thinking");
    expect(chunks[1]?.choices[0]?.delta.tool_calls?.[0]).toEqual({
      index: 0,
      type: "function",
      function: { name: "f", arguments: "" },
    });
  });

  it("rejects await completion() itself on a non-2xx answer, before any iteration", async () => {
    server.handle((_, response) => sendJson(response, 401, { error: { message: "bad key" } }));
    await expect(stream()).rejects.toBeInstanceOf(AuthenticationError);
    server.handle((_, response) => sendJson(response, 500, { error: { message: "boom" } }));
    await expect(stream()).rejects.toBeInstanceOf(InternalServerError);
  });

  it("rejects a JSON error body answered with status 200 to a stream request", async () => {
    server.handle((_, response) =>
      sendJson(response, 200, { error: { message: "quota", code: 429 } }),
    );
    await expect(stream()).rejects.toBeInstanceOf(RateLimitError);
  });

  it("a 200 that is no stream at all (an HTML page) throws an APIError, not an empty stream", async () => {
    server.handle((_, response) => {
      response.writeHead(200, { "content-type": "text/html" });
      response.end("<html><body><h1>Please sign in to the Wi-Fi</h1></body></html>");
    });
    const error = await stream()
      .then(collect)
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(APIError);
    expect((error as APIError).message).toContain("server-sent events");
    expect((error as APIError).message).toContain("Please sign in to the Wi-Fi");
  });

  it("throws an in-stream error event from the iterator as the class of its code", async () => {
    server.handle((_, response) => {
      startEvents(response, { "x-request-id": "req_stream" });
      writeEvent(response, chunkBody({ content: "partial" }));
      writeEvent(response, {
        error: { message: "Rate limit reached mid-stream", type: "rate_limit", code: 429 },
      });
      response.end();
    });
    const { seen, error } = await readUntilError(await stream());
    expect(seen).toEqual(["partial"]);
    expect(error).toBeInstanceOf(RateLimitError);
    expect((error as RateLimitError).message).toContain("Rate limit reached mid-stream");
    expect((error as RateLimitError).requestId).toBe("req_stream");
    expect((error as RateLimitError).attempts).toBe(1);
  });

  it("rejects the call itself with an error event that comes first, without a numeric code as an APIError", async () => {
    server.handle((_, response) => {
      startEvents(response);
      response.write(
        `event: error\ndata: ${JSON.stringify({ error: { message: "upstream exploded", code: "upstream_error" } })}\n\n`,
      );
      response.end();
    });
    const error = await stream({ maxRetries: 2 }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(APIError);
    expect((error as APIError).name).toBe("APIError");
    expect((error as APIError).code).toBe("upstream_error");
    expect((error as APIError).isRetryable).toBe(false);
    expect((error as APIError).attempts).toBe(1);
    expect(server.requests).toHaveLength(1);
  });

  it("throws APIConnectionError when the connection drops mid-stream", async () => {
    server.handle(async (_, response) => {
      startEvents(response);
      writeEvent(response, chunkBody({ content: "partial" }));
      await sleep(20);
      response.socket?.destroy();
    });
    const { seen, error } = await readUntilError(await stream());
    expect(seen).toEqual(["partial"]);
    expect(error).toBeInstanceOf(APIConnectionError);
    expect((error as Error).message).toContain("cometapi/gpt-5");
    expect((error as APIConnectionError).cause).toBeDefined();
  });

  it("throws TimeoutError after streamIdleTimeout and closes the connection", async () => {
    server.handle((_, response) => {
      startEvents(response);
      writeEvent(response, chunkBody({ content: "then silence" }));
    });
    const result = await stream({ streamIdleTimeout: 150 });
    const error = await collect(result).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(TimeoutError);
    expect((error as Error).message).toContain("streamIdleTimeout");
    await server.requests[0]!.closed;
    expect(server.requests[0]!.clientAborted()).toBe(true);
  });

  it("does not count the time the loop holds a chunk as idle", async () => {
    server.handle((_, response) => {
      sendEvents(response, helloWorldStream());
    });
    const chunks = [];
    for await (const chunk of await stream({ streamIdleTimeout: 50 })) {
      chunks.push(chunk);
      await sleep(80);
    }
    expect(contentOf(chunks)).toBe("Hello world");
  });

  it("closes the connection at once when the loop is left early", async () => {
    server.handle(longStream);
    for await (const chunk of await stream()) {
      expect(chunk.choices[0]?.delta.content).toBe("0 ");
      break;
    }
    await server.requests[0]!.closed;
    expect(server.requests[0]!.clientAborted()).toBe(true);
  });

  it("stream.abort() closes the connection and ends the iteration quietly", async () => {
    server.handle(longStream);
    const result = await stream();
    let count = 0;
    for await (const _ of result) {
      count++;
      if (count === 3) setTimeout(() => result.abort(), 1);
    }
    expect(count).toBeGreaterThanOrEqual(3);
    expect(count).toBeLessThan(1000);
    await server.requests[0]!.closed;
    expect(server.requests[0]!.clientAborted()).toBe(true);
  });

  it("stream.abort() before any iteration: nothing is yielded, the connection is closed", async () => {
    server.handle(longStream);
    const result = await stream();
    result.abort();
    expect(await collect(result)).toEqual([]);
    await server.requests[0]!.closed;
    expect(server.requests[0]!.clientAborted()).toBe(true);
  });

  it("an abort through signal throws the signal's reason from the iterator", async () => {
    server.handle(longStream);
    const controller = new AbortController();
    const reason = new Error("user navigated away");
    const result = await stream({ signal: controller.signal });
    let count = 0;
    const error = await (async () => {
      for await (const _ of result) {
        count++;
        if (count === 2) setTimeout(() => controller.abort(reason), 1);
      }
    })().catch((caught: unknown) => caught);
    expect(error).toBe(reason);
    await server.requests[0]!.closed;
    expect(server.requests[0]!.clientAborted()).toBe(true);
  });

  it("refuses a second iteration", async () => {
    server.handle((_, response) => {
      sendEvents(response, helloWorldStream());
    });
    const result = await stream();
    await collect(result);
    expect(() => result[Symbol.asyncIterator]()).toThrow(LLMError);
    await expect(collect(result)).rejects.toThrow(/iterated once|already iterated/);
  });

  it("keeps 200 parallel streams intact", async () => {
    server.handle(async (request, response) => {
      const tag = String((request.json!.messages as { content: string }[])[0]?.content);
      startEvents(response);
      for (let index = 0; index < 5; index++) {
        writeEvent(response, chunkBody({ content: `${tag}-${index};` }));
        await sleep(1);
      }
      response.end("data: [DONE]\n\n");
    });
    const results = await Promise.all(
      Array.from({ length: 200 }, async (_, index) => {
        const chunks = await collect(
          await stream({ messages: [{ role: "user", content: `s${index}` }] }),
        );
        return contentOf(chunks);
      }),
    );
    results.forEach((text, index) => {
      expect(text).toBe(Array.from({ length: 5 }, (_, i) => `s${index}-${i};`).join(""));
    });
  });
});

describe("streaming through a caller's fetch (msw)", () => {
  const mswServer = setupServer(
    http.post("https://api.cometapi.com/v1/chat/completions", () => {
      const encoder = new TextEncoder();
      const body = new ReadableStream({
        async start(controller) {
          for (const event of helloWorldStream().split(/(?<=\n\n)/)) {
            controller.enqueue(encoder.encode(event));
            await sleep(1);
          }
          controller.close();
        },
      });
      return new HttpResponse(body, { headers: { "content-type": "text/event-stream" } });
    }),
  );
  beforeAll(() => mswServer.listen({ onUnhandledRequest: "error" }));
  afterAll(() => mswServer.close());

  it("yields the same chunks", async () => {
    const result = await completion({
      model: "cometapi/gpt-5",
      messages,
      stream: true,
      apiKey: "k",
      fetch: globalThis.fetch,
    });
    const chunks = await collect(result);
    expect(contentOf(chunks)).toBe("Hello world");
    expect(chunks.at(-1)?.usage?.total_tokens).toBe(12);
  });
});
