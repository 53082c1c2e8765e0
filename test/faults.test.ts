/**
 * The fault-injection suite: one real local server that refuses, resets, stalls, throttles and
 * sends garbage, and a check of what the caller sees each time: the error class, how many
 * requests were made, that nothing was retried that should not be, that aborts and timeouts end
 * promptly, and that nothing leaks (no unhandled rejection, no response left open).
 */
import { createServer } from "node:net";
import { Agent } from "undici";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import {
  APIConnectionError,
  type APIError,
  AuthenticationError,
  BadRequestError,
  completion,
  InternalServerError,
  RateLimitError,
  ServiceUnavailableError,
  TimeoutError,
} from "../src/index.js";
import { collect, contentOf } from "./helpers/collect.js";
import { chatCompletionBody, chunkBody, helloWorldStream } from "./helpers/fixtures.js";
import {
  sendEvents,
  sendJson,
  sleep,
  startEvents,
  startServer,
  type TestServer,
  writeEvent,
} from "./helpers/server.js";

const messages = [{ role: "user" as const, content: "Hi" }];
/** Generous for a shared, noisy machine; what matters is "not the 600 s default, not forever". */
const PROMPTLY_MS = 2_000;
let server: TestServer;
const unexpected: unknown[] = [];
const onUnexpected = (error: unknown) => unexpected.push(error);

beforeAll(async () => {
  process.on("unhandledRejection", onUnexpected);
  process.on("uncaughtException", onUnexpected);
  server = await startServer();
});
afterEach(() => {
  server.requests.length = 0;
});
afterAll(async () => {
  // Let closing sockets settle, then nothing may be left mid-response.
  for (let wait = 0; wait < 50 && server.openResponses() > 0; wait++) await sleep(20);
  expect(server.openResponses()).toBe(0);
  await server.close();
  process.off("unhandledRejection", onUnexpected);
  process.off("uncaughtException", onUnexpected);
  expect(unexpected).toEqual([]);
});

const call = (extra: Record<string, unknown> = {}) =>
  completion({ model: "cometapi/gpt-5", messages, apiKey: "k", apiBase: server.apiBase, ...extra });
const streamCall = (extra: Record<string, unknown> = {}) =>
  completion({
    model: "cometapi/gpt-5",
    messages,
    apiKey: "k",
    apiBase: server.apiBase,
    stream: true,
    ...extra,
  });
const failure = <T>(promise: Promise<T>) =>
  promise.then(
    () => {
      throw new Error("expected the call to fail");
    },
    (error: unknown) => error,
  );
const timed = async <T>(run: () => Promise<T>) => {
  const started = performance.now();
  const value = await run();
  return { value, ms: performance.now() - started };
};

/** Answers each request in turn with the next handler; the last one repeats. */
function sequence(...steps: ((response: import("node:http").ServerResponse) => unknown)[]) {
  let index = 0;
  server.handle((_, response) => steps[Math.min(index++, steps.length - 1)]!(response));
}
const ok = (response: import("node:http").ServerResponse) =>
  sendJson(response, 200, chatCompletionBody("ok"));
const fast = { "retry-after-ms": "0" };

describe("connection failures", () => {
  it("a refused connection is an APIConnectionError, retried maxRetries times", async () => {
    const probe = createServer();
    await new Promise<void>((resolve) => probe.listen(0, "127.0.0.1", resolve));
    const { port } = probe.address() as import("node:net").AddressInfo;
    await new Promise((resolve) => probe.close(resolve));
    const error = (await failure(
      completion({
        model: "cometapi/gpt-5",
        messages,
        apiKey: "k",
        apiBase: `http://127.0.0.1:${port}/v1`,
        maxRetries: 1,
      }),
    )) as APIConnectionError;
    expect(error).toBeInstanceOf(APIConnectionError);
    expect(error.attempts).toBe(2);
    expect(error.isRetryable).toBe(true);
    expect(error.message).toContain("ECONNREFUSED");
    expect(error.cause).toBeInstanceOf(Error);
  });

  it("a DNS failure is an APIConnectionError with its cause", async () => {
    const dispatcher = new Agent({
      connect: {
        lookup: (_host: string, _options: unknown, callback: (error: Error) => void) =>
          callback(
            Object.assign(new Error("getaddrinfo ENOTFOUND api.example.invalid"), {
              code: "ENOTFOUND",
            }),
          ),
      } as never,
    });
    const error = (await failure(
      completion({
        model: "cometapi/gpt-5",
        messages,
        apiKey: "k",
        apiBase: "http://api.example.invalid/v1",
        maxRetries: 0,
        dispatcher,
      }),
    )) as APIConnectionError;
    await dispatcher.close();
    expect(error).toBeInstanceOf(APIConnectionError);
    expect(error.message).toContain("ENOTFOUND");
    expect(error.attempts).toBe(1);
  });

  it("a reset before the headers is retried, and the call succeeds", async () => {
    sequence(
      (response) => response.socket?.destroy(),
      (response) => response.socket?.destroy(),
      ok,
    );
    const response = await call();
    expect(response.choices[0]?.message.content).toBe("ok");
    expect(response._hidden_params.attempts).toBe(3);
    expect(server.requests).toHaveLength(3);
  });

  it("a reset before the headers, every time, ends as APIConnectionError after 1 + maxRetries", async () => {
    server.handle((_, response) => response.socket?.destroy());
    const error = (await failure(call({ maxRetries: 1 }))) as APIConnectionError;
    expect(error).toBeInstanceOf(APIConnectionError);
    expect(error.attempts).toBe(2);
    expect(server.requests).toHaveLength(2);
  });

  it("a reset after the headers, mid-body, is an APIConnectionError", async () => {
    server.handle(async (_, response) => {
      response.writeHead(200, { "content-type": "application/json", "content-length": "500" });
      response.write('{"id":"chatcmpl-1","choices":[');
      await sleep(10);
      response.socket?.destroy();
    });
    const error = (await failure(call({ maxRetries: 0 }))) as APIConnectionError;
    expect(error).toBeInstanceOf(APIConnectionError);
    expect(error.attempts).toBe(1);
  });

  it("a stream reset before its first chunk is retried", async () => {
    sequence(
      (response) => {
        startEvents(response);
        setTimeout(() => response.socket?.destroy(), 10);
      },
      (response) => {
        sendEvents(response, helloWorldStream());
      },
    );
    const stream = await streamCall();
    expect(contentOf(await collect(stream))).toBe("Hello world");
    expect(stream._hidden_params.attempts).toBe(2);
  });

  it("a stream reset after its first chunk throws from the iterator and is not retried", async () => {
    server.handle(async (_, response) => {
      startEvents(response);
      writeEvent(response, chunkBody({ content: "one" }));
      await sleep(20);
      response.socket?.destroy();
    });
    const stream = await streamCall();
    const error = await failure(collect(stream));
    expect(error).toBeInstanceOf(APIConnectionError);
    expect(server.requests).toHaveLength(1);
  });
});

describe("a connection that never comes up", () => {
  const hangingDispatcher = () =>
    new Agent({
      connect: (() => {
        // Never calls back: a SYN into a black hole.
      }) as never,
    });

  it("abort while connecting rejects at once with the reason", async () => {
    const dispatcher = hangingDispatcher();
    const controller = new AbortController();
    const reason = new Error("gave up connecting");
    setTimeout(() => controller.abort(reason), 100);
    const { value: error, ms } = await timed(() =>
      failure(call({ dispatcher, signal: controller.signal })),
    );
    expect(error).toBe(reason);
    expect(ms).toBeLessThan(100 + PROMPTLY_MS);
    await dispatcher.destroy();
  });

  it("timeout while connecting is a TimeoutError, retried", async () => {
    const dispatcher = hangingDispatcher();
    const { value: error, ms } = await timed(() =>
      failure(call({ dispatcher, timeout: 100, maxRetries: 1 })),
    );
    expect(error).toBeInstanceOf(TimeoutError);
    expect((error as TimeoutError).attempts).toBe(2);
    expect(ms).toBeLessThan(2 * 100 + 1_000 + PROMPTLY_MS);
    await dispatcher.destroy();
  });
});

describe("stalls and timeouts", () => {
  it("a stall before the headers ends with TimeoutError after each attempt's timeout", async () => {
    server.handle(() => undefined);
    const { value: error, ms } = await timed(() => failure(call({ timeout: 150, maxRetries: 1 })));
    expect(error).toBeInstanceOf(TimeoutError);
    expect((error as TimeoutError).attempts).toBe(2);
    expect((error as TimeoutError).isRetryable).toBe(true);
    expect((error as TimeoutError).message).toContain("150 ms");
    expect(ms).toBeLessThan(150 * 2 + 1_000 + PROMPTLY_MS);
    expect(server.requests).toHaveLength(2);
  });

  it("the timeout covers reading the body, not just the headers", async () => {
    server.handle((_, response) => {
      response.writeHead(200, { "content-type": "application/json", "content-length": "1000" });
      response.write('{"id":"chatcmpl-1",');
    });
    const { value: error, ms } = await timed(() => failure(call({ timeout: 200, maxRetries: 0 })));
    expect(error).toBeInstanceOf(TimeoutError);
    expect(ms).toBeLessThan(200 + PROMPTLY_MS);
  });

  it("a stream that stalls before its first chunk times out, and is retried", async () => {
    sequence(
      (response) => startEvents(response),
      (response) => {
        sendEvents(response, helloWorldStream());
      },
    );
    const stream = await streamCall({ timeout: 200 });
    expect(contentOf(await collect(stream))).toBe("Hello world");
    expect(stream._hidden_params.attempts).toBe(2);
  });

  it("a stream that stalls mid-way throws TimeoutError after streamIdleTimeout, not retried", async () => {
    server.handle((_, response) => {
      startEvents(response);
      writeEvent(response, chunkBody({ content: "one" }));
    });
    const stream = await streamCall({ streamIdleTimeout: 200 });
    const { value: error, ms } = await timed(() => failure(collect(stream)));
    expect(error).toBeInstanceOf(TimeoutError);
    expect(ms).toBeLessThan(200 + PROMPTLY_MS);
    expect(server.requests).toHaveLength(1);
  });

  it("timeout: Infinity is no limit (and not an immediate timer)", async () => {
    server.handle(async (_, response) => {
      await sleep(50);
      ok(response);
    });
    const response = await call({ timeout: Number.POSITIVE_INFINITY });
    expect(response.choices[0]?.message.content).toBe("ok");
  });
});

describe("status answers and retry rules", () => {
  it("500 twice then 200 succeeds on the third attempt", async () => {
    // The backoff arithmetic is unit-tested in retry-delay.test.ts; here the server says "now".
    sequence(
      (response) => sendJson(response, 500, { error: { message: "boom" } }, fast),
      (response) => sendJson(response, 500, { error: { message: "boom" } }, fast),
      ok,
    );
    const response = await call();
    expect(response._hidden_params.attempts).toBe(3);
    expect(server.requests).toHaveLength(3);
  });

  it("500 every time ends as InternalServerError after 1 + maxRetries attempts", async () => {
    server.handle((_, response) => sendJson(response, 500, { error: { message: "boom" } }, fast));
    const error = (await failure(call({ maxRetries: 3 }))) as InternalServerError;
    expect(error).toBeInstanceOf(InternalServerError);
    expect(error.attempts).toBe(4);
    expect(server.requests).toHaveLength(4);
  });

  it("401 is not retried", async () => {
    server.handle((_, response) =>
      sendJson(response, 401, { error: { message: "bad key" } }, fast),
    );
    const error = (await failure(call({ maxRetries: 5 }))) as AuthenticationError;
    expect(error).toBeInstanceOf(AuthenticationError);
    expect(error.attempts).toBe(1);
    expect(server.requests).toHaveLength(1);
  });

  it.each([400, 403, 404, 422])("%i is not retried", async (status) => {
    server.handle((_, response) => sendJson(response, status, { error: { message: "no" } }, fast));
    expect(((await failure(call())) as APIError).attempts).toBe(1);
    expect(server.requests).toHaveLength(1);
  });

  it.each([408, 409, 429, 502, 503, 504])("%i is retried", async (status) => {
    server.handle((_, response) =>
      sendJson(response, status, { error: { message: "again" } }, fast),
    );
    expect(((await failure(call())) as APIError).attempts).toBe(3);
    expect(server.requests).toHaveLength(3);
  });

  it.each([408, 504])(
    "x-should-retry: false stops a retry of %i (a TimeoutError)",
    async (status) => {
      server.handle((_, response) =>
        sendJson(
          response,
          status,
          { error: { message: "no" } },
          { ...fast, "x-should-retry": "false" },
        ),
      );
      const error = (await failure(call())) as APIError;
      expect(error).toBeInstanceOf(TimeoutError);
      expect(error.isRetryable).toBe(false);
      expect(error.attempts).toBe(1);
      expect(server.requests).toHaveLength(1);
    },
  );

  it("x-should-retry: false stops a retry; x-should-retry: true forces one", async () => {
    server.handle((_, response) =>
      sendJson(response, 503, { error: { message: "no" } }, { ...fast, "x-should-retry": "false" }),
    );
    expect(((await failure(call())) as APIError).attempts).toBe(1);
    server.requests.length = 0;
    sequence(
      (response) =>
        sendJson(
          response,
          400,
          { error: { message: "once more" } },
          { ...fast, "x-should-retry": "true" },
        ),
      ok,
    );
    expect((await call())._hidden_params.attempts).toBe(2);
  });

  it("an HTML 503 page is a ServiceUnavailableError, retried", async () => {
    server.handle((_, response) => {
      response.writeHead(503, { "content-type": "text/html", ...fast });
      response.end("<html><body><h1>503 Service Temporarily Unavailable</h1></body></html>");
    });
    const error = (await failure(call({ maxRetries: 1 }))) as ServiceUnavailableError;
    expect(error).toBeInstanceOf(ServiceUnavailableError);
    expect(error.message).toContain("503 Service Temporarily Unavailable");
    expect(error.attempts).toBe(2);
  });

  it("truncated JSON in a complete 200 is an APIError, not retried", async () => {
    server.handle((_, response) => {
      response.writeHead(200, { "content-type": "application/json" });
      response.end('{"id":"chatcmpl-1","object":"chat.completion","choi');
    });
    const error = (await failure(call())) as APIError;
    expect(error.name).toBe("APIError");
    expect(error.status).toBe(200);
    expect(error.isRetryable).toBe(false);
    expect(error.attempts).toBe(1);
  });

  it("a stream request answered 429 then 200 is retried before any chunk", async () => {
    sequence(
      (response) => sendJson(response, 429, { error: { message: "slow" } }, fast),
      (response) => {
        sendEvents(response, helloWorldStream());
      },
    );
    const stream = await streamCall();
    expect(contentOf(await collect(stream))).toBe("Hello world");
    expect(stream._hidden_params.attempts).toBe(2);
  });
});

describe("Retry-After", () => {
  // Which delay each header form asks for is unit-tested (retry-delay.test.ts, injected clock);
  // here, that the loop waits it: the second request comes no sooner than asked.
  it("429 with retry-after-ms is waited as given before the next attempt", async () => {
    sequence(
      (response) =>
        sendJson(response, 429, { error: { message: "slow down" } }, { "retry-after-ms": "300" }),
      ok,
    );
    const pending = call();
    await server.nextRequest();
    const firstAt = performance.now();
    await server.nextRequest();
    const gap = performance.now() - firstAt;
    expect((await pending)._hidden_params.attempts).toBe(2);
    expect(gap).toBeGreaterThanOrEqual(300 - 20); // a lower bound: a slow machine cannot break it
  });

  it("a retry-after that is not a delay (-1, garbage) falls back to backoff, still retried", async () => {
    sequence(
      (response) =>
        sendJson(response, 429, { error: { message: "slow" } }, { "retry-after": "-1" }),
      ok,
    );
    expect((await call())._hidden_params.attempts).toBe(2);
  });

  it("a server delay over 60 s is not waited for: the RateLimitError is thrown at once", async () => {
    server.handle((_, response) =>
      sendJson(response, 429, { error: { message: "come back later" } }, { "retry-after": "3600" }),
    );
    const { value: error, ms } = await timed(() => failure(call()));
    expect(error).toBeInstanceOf(RateLimitError);
    expect((error as RateLimitError).attempts).toBe(1);
    expect((error as RateLimitError).headers?.["retry-after"]).toBe("3600");
    expect(ms).toBeLessThan(PROMPTLY_MS);
    expect(server.requests).toHaveLength(1);
  });
});

describe("abort", () => {
  it("an already aborted signal rejects with its reason, with no request", async () => {
    const reason = new Error("already");
    await expect(call({ signal: AbortSignal.abort(reason) })).rejects.toBe(reason);
    expect(server.requests).toHaveLength(0);
  });

  it("while waiting for headers: rejects at once with the very reason, not retried, socket released", async () => {
    server.handle(() => undefined);
    const controller = new AbortController();
    const reason = { why: "a plain object reason" };
    const pending = failure(call({ signal: controller.signal }));
    const seen = await server.nextRequest();
    controller.abort(reason);
    expect(await pending).toBe(reason);
    await seen.closed;
    expect(seen.clientAborted()).toBe(true);
    expect(server.requests).toHaveLength(1);
  });

  it("while reading the body", async () => {
    const controller = new AbortController();
    server.handle((_, response) => {
      response.writeHead(200, { "content-type": "application/json", "content-length": "1000" });
      // Abort once the first byte of the body has been read by the client.
      response.write("{", () => setImmediate(() => controller.abort()));
    });
    const error = await failure(call({ signal: controller.signal }));
    expect(error).toBe(controller.signal.reason);
    expect((error as Error).name).toBe("AbortError");
    await server.requests[0]!.closed;
    expect(server.requests).toHaveLength(1);
  });

  it("while sleeping between retries: the wait ends at once", async () => {
    server.handle((_, response) =>
      sendJson(response, 429, { error: { message: "wait" } }, { "retry-after": "30" }),
    );
    const controller = new AbortController();
    const reason = new Error("stop waiting");
    const { value: error, ms } = await timed(async () => {
      const pending = failure(call({ signal: controller.signal }));
      await (await server.nextRequest()).closed; // answered: the client is now waiting 30 s
      controller.abort(reason);
      return pending;
    });
    expect(error).toBe(reason);
    expect(ms).toBeLessThan(PROMPTLY_MS);
    expect(server.requests).toHaveLength(1);
  });

  it("while a stream waits for its first chunk", async () => {
    server.handle((_, response) => startEvents(response));
    const controller = new AbortController();
    const reason = new Error("gone");
    const pending = failure(streamCall({ signal: controller.signal }));
    const seen = await server.nextRequest();
    controller.abort(reason);
    expect(await pending).toBe(reason);
    await seen.closed;
    expect(seen.clientAborted()).toBe(true);
  });

  it("between chunks of a stream, while the loop holds a chunk", async () => {
    server.handle((_, response) => {
      startEvents(response);
      writeEvent(response, chunkBody({ content: "one" }));
      writeEvent(response, chunkBody({ content: "two" }));
    });
    const controller = new AbortController();
    const reason = new Error("mid-stream");
    const stream = await streamCall({ signal: controller.signal });
    const seen: string[] = [];
    const error = await failure(
      (async () => {
        for await (const chunk of stream) {
          seen.push(chunk.choices[0]?.delta.content ?? "");
          controller.abort(reason);
        }
      })(),
    );
    expect(error).toBe(reason);
    expect(seen).toEqual(["one"]);
    await server.requests[0]!.closed;
    expect(server.requests[0]!.clientAborted()).toBe(true);
  });

  it("one signal shared by 30 calls: no listener warning, and one abort stops them all", async () => {
    server.handle(() => undefined);
    const warnings: Error[] = [];
    const onWarning = (warning: Error) => warnings.push(warning);
    process.on("warning", onWarning);
    const controller = new AbortController();
    const reason = new Error("cancel the batch");
    const calls = Array.from({ length: 30 }, () => failure(call({ signal: controller.signal })));
    for (let seen = 0; seen < 30; seen++) await server.nextRequest();
    controller.abort(reason);
    const errors = await Promise.all(calls);
    await sleep(10);
    process.off("warning", onWarning);
    expect(errors.every((error) => error === reason)).toBe(true);
    expect(warnings.filter((warning) => warning.name === "MaxListenersExceededWarning")).toEqual(
      [],
    );
  });

  it("is not wrapped, counted or retried even with retries left", async () => {
    server.handle(() => undefined);
    const controller = new AbortController();
    const pending = failure(call({ signal: controller.signal, maxRetries: 5 }));
    await server.nextRequest();
    controller.abort("a string reason");
    expect(await pending).toBe("a string reason");
    expect(server.requests).toHaveLength(1);
  });
});

describe("validation errors are never retried", () => {
  it("fails once, before any request", async () => {
    await expect(call({ temperature: 5, maxRetries: 5 })).rejects.toBeInstanceOf(BadRequestError);
    expect(server.requests).toHaveLength(0);
  });
});
