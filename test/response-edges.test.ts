/**
 * Answers a hostile or careless server sends: bodies past `maxResponseBytes`, bodies compressed
 * although nothing asked (gzip, deflate, br; a "zip bomb" too), a UTF-8 byte order mark before
 * the JSON.
 */
import {
  brotliCompressSync,
  constants,
  createGzip,
  deflateRawSync,
  deflateSync,
  gzipSync,
} from "node:zlib";
import { describe, expect, it } from "vitest";
import {
  APIError,
  BadRequestError,
  type CompletionParams,
  ContextWindowExceededError,
  completion,
  TimeoutError,
} from "../src/index.js";
import { collect, contentOf } from "./helpers/collect.js";
import { chatCompletionBody, chunkBody, helloWorldStream } from "./helpers/fixtures.js";
import { useTestServer } from "./helpers/server.js";

const messages = [{ role: "user" as const, content: "Hi" }];
const server = useTestServer();

const params = (extra: Record<string, unknown>) => ({
  model: "cometapi/gpt-5",
  messages,
  apiKey: "k",
  apiBase: server.apiBase,
  ...extra,
});
const call = (extra: Record<string, unknown> = {}) =>
  completion(params(extra) as CompletionParams & { stream?: false });
const streamCall = (extra: Record<string, unknown> = {}) =>
  completion({ ...params(extra), stream: true } as CompletionParams & { stream: true });
const failure = (promise: Promise<unknown>) =>
  promise.then(
    () => {
      throw new Error("expected the call to fail");
    },
    (error: unknown) => error,
  );

/** A chat completion whose content pads the JSON to about `bytes`. */
const bigAnswer = (bytes: number) => JSON.stringify(chatCompletionBody("x".repeat(bytes)));

describe("maxResponseBytes", () => {
  it.each([
    ["undici", {}],
    ["fetch", { fetch: globalThis.fetch }],
  ])(
    "(%s) past the limit: reading stops, the connection closes, an APIError, not retried",
    async (_, transport) => {
      server.handle((_, response) => {
        response.writeHead(200, { "content-type": "application/json" }); // chunked: no length
        response.write(bigAnswer(8_000));
        // Keep the body open: only the client giving up can end this response.
      });
      const error = await failure(call({ maxResponseBytes: 4_096, maxRetries: 2, ...transport }));
      expect(error).toBeInstanceOf(APIError);
      const apiError = error as APIError;
      expect(apiError.message).toContain("maxResponseBytes");
      expect(apiError.message).toContain("4096");
      expect(apiError.status).toBe(200);
      expect(apiError.isRetryable).toBe(false);
      expect(apiError.attempts).toBe(1);
      expect(server.requests).toHaveLength(1);
      await server.requests[0]?.closed;
      expect(server.requests[0]?.clientAborted()).toBe(true);
    },
  );

  it("a content-length past the limit fails before the body is read", async () => {
    server.handle((_, response) => {
      response.writeHead(200, {
        "content-type": "application/json",
        "content-length": String(10 * 1024 * 1024),
      });
      response.write("{");
    });
    const error = (await failure(call({ maxResponseBytes: 1024 }))) as APIError;
    expect(error.message).toContain("maxResponseBytes");
    expect(error.attempts).toBe(1);
  });

  it("an error answer past the limit is refused the same way", async () => {
    server.handle((_, response) => {
      response.writeHead(500, { "content-type": "text/html" });
      response.end("<p>".repeat(5_000));
    });
    const error = (await failure(call({ maxResponseBytes: 1024, maxRetries: 3 }))) as APIError;
    expect(error.message).toContain("maxResponseBytes");
    expect(error.attempts).toBe(1);
  });

  it("an answer within the limit is read whole", async () => {
    server.handle((_, response) => {
      response.writeHead(200, { "content-type": "application/json" });
      response.end(bigAnswer(3_000));
    });
    const response = await call({ maxResponseBytes: 4_096 });
    expect(response.choices[0]?.message.content).toHaveLength(3_000);
  });

  it("does not limit a stream", async () => {
    server.handle((_, response) => {
      response.writeHead(200, { "content-type": "text/event-stream" });
      response.end(helloWorldStream());
    });
    const stream = await streamCall({ maxResponseBytes: 16 });
    expect(contentOf(await collect(stream))).toBe("Hello world");
  });

  it("must be a positive whole number", async () => {
    const error = await failure(call({ maxResponseBytes: 0 }));
    expect(error).toBeInstanceOf(BadRequestError);
    expect((error as BadRequestError).message).toContain("maxResponseBytes");
  });
});

describe("a body compressed although llmux never asked", () => {
  const json = JSON.stringify(chatCompletionBody("unpacked"));
  it.each([
    ["gzip", gzipSync(json)],
    ["x-gzip", gzipSync(json)],
    ["deflate", deflateSync(json)],
    ["deflate", deflateRawSync(json)], // raw deflate, as some servers send it
    ["br", brotliCompressSync(json)],
  ])("content-encoding: %s is decoded", async (encoding, body) => {
    server.handle((_, response) => {
      response.writeHead(200, { "content-type": "application/json", "content-encoding": encoding });
      response.end(body);
    });
    const response = await call();
    expect(response.choices[0]?.message.content).toBe("unpacked");
  });

  it("an error body is decoded, so its class and message are right", async () => {
    const body = JSON.stringify({
      error: { message: "This model's maximum context length is 8192 tokens", code: null },
    });
    server.handle((_, response) => {
      response.writeHead(400, { "content-type": "application/json", "content-encoding": "gzip" });
      response.end(gzipSync(body));
    });
    const error = (await failure(call())) as APIError;
    expect(error).toBeInstanceOf(ContextWindowExceededError);
    expect(error.message).toContain("maximum context length");
  });

  it("a gzip stream is decoded chunk by chunk", async () => {
    server.handle((_, response) => {
      response.writeHead(200, { "content-type": "text/event-stream", "content-encoding": "gzip" });
      response.end(gzipSync(helloWorldStream()));
    });
    const stream = await streamCall();
    expect(contentOf(await collect(stream))).toBe("Hello world");
  });

  /** A gzip stream that sends `first` (if any) and then stalls, its connection open. */
  const stallingGzipStream = (first?: string) => {
    server.handle((_, response) => {
      response.writeHead(200, { "content-type": "text/event-stream", "content-encoding": "gzip" });
      const gzip = createGzip();
      gzip.pipe(response);
      if (first === undefined)
        response.write(Buffer.from([0x1f, 0x8b])); // half a gzip header
      else {
        gzip.write(first);
        gzip.flush(constants.Z_SYNC_FLUSH);
      }
    });
  };
  const firstEvent = `data: ${JSON.stringify(chunkBody({ content: "one" }))}\n\n`;

  it("a gzip stream that stalls after its first chunk ends with streamIdleTimeout", async () => {
    stallingGzipStream(firstEvent);
    const stream = await streamCall({ streamIdleTimeout: 100 });
    const error = await collect(stream).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(TimeoutError);
  });

  it("a gzip stream that stalls before its first chunk ends with timeout", async () => {
    stallingGzipStream();
    const error = await failure(streamCall({ timeout: 100, maxRetries: 0 }));
    expect(error).toBeInstanceOf(TimeoutError);
  });

  it("the caller's abort ends a gzip stream mid-way with its reason", async () => {
    stallingGzipStream(firstEvent);
    const controller = new AbortController();
    const reason = new Error("stop");
    const stream = await streamCall({ signal: controller.signal });
    const error = await (async () => {
      for await (const _ of stream) controller.abort(reason);
    })().catch((caught: unknown) => caught);
    expect(error).toBe(reason);
  });

  it("a small body that unpacks past maxResponseBytes (a zip bomb) is too large", async () => {
    const bomb = gzipSync(Buffer.alloc(8 * 1024 * 1024, 32)); // ~8 KiB that unpack to 8 MiB
    server.handle((_, response) => {
      response.writeHead(200, { "content-type": "application/json", "content-encoding": "gzip" });
      response.end(bomb);
    });
    const error = (await failure(call({ maxResponseBytes: 1024 * 1024 }))) as APIError;
    expect(error).toBeInstanceOf(APIError);
    expect(error.message).toContain("maxResponseBytes");
    expect(error.isRetryable).toBe(false);
  });
});

describe("a UTF-8 byte order mark", () => {
  it("before a JSON answer is not part of it", async () => {
    server.handle((_, response) => {
      response.writeHead(200, { "content-type": "application/json" });
      response.end(`\uFEFF${JSON.stringify(chatCompletionBody("bom"))}`);
    });
    expect((await call()).choices[0]?.message.content).toBe("bom");
  });

  it("before a stream is not part of its first event", async () => {
    server.handle((_, response) => {
      response.writeHead(200, { "content-type": "text/event-stream" });
      response.end(`\uFEFF${helloWorldStream()}`);
    });
    expect(contentOf(await collect(await streamCall()))).toBe("Hello world");
  });
});
