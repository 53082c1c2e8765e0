/**
 * Callbacks: per call, per Router and process-wide handlers see each call's start and end
 * (success, failure, a stream's end however it ends), its retries and a Router's fallbacks,
 * never its key; and no handler can delay or break a call.
 */
import type { ServerResponse } from "node:http";
import { afterEach, describe, expect, it, vi } from "vitest";
import type { CallbackEvent, CallbackHandler } from "../src/index.js";
import {
  addCallback,
  completion,
  embedding,
  InternalServerError,
  Router,
  removeCallback,
} from "../src/index.js";
import { collect } from "./helpers/collect.js";
import { chatCompletionBody, chunkBody, helloWorldStream } from "./helpers/fixtures.js";
import {
  type RecordedRequest,
  sendEvents,
  sendJson,
  startEvents,
  useTestServer,
  writeEvent,
} from "./helpers/server.js";

const server = useTestServer();
const messages = [{ role: "user" as const, content: "Hi" }];
const API_KEY = "sk-callbacks-secret-1234";

/** A call's options against the test server. */
const call = (extra: Record<string, unknown> = {}) => ({
  model: "cometapi/gpt-5",
  messages,
  apiKey: API_KEY,
  apiBase: server.apiBase,
  ...extra,
});

/** A streamed call's options against the test server. */
const streamCall = (extra: Record<string, unknown> = {}) => ({
  ...call(extra),
  stream: true as const,
});

type Name = keyof CallbackHandler;
/** A handler that records every event, in order, by name. */
function recorder() {
  const events: { name: Name; event: CallbackEvent }[] = [];
  const record = (name: Name) => (event: CallbackEvent) => {
    events.push({ name, event });
  };
  const handler: Required<CallbackHandler> = {
    onStart: record("onStart"),
    onSuccess: record("onSuccess"),
    onFailure: record("onFailure"),
    onRetry: record("onRetry"),
    onFallback: record("onFallback"),
  };
  const names = () => events.map((entry) => entry.name);
  const last = (name: Name) => {
    const found = events.filter((entry) => entry.name === name).at(-1);
    if (found === undefined) throw new Error(`no ${name} event; got ${names().join(", ")}`);
    return found.event;
  };
  return { handler, events, names, last };
}

const failWith =
  (code: number): ((request: RecordedRequest, response: ServerResponse) => void) =>
  (_, response) =>
    sendJson(response, code, { error: { message: "down" } }, { "retry-after-ms": "0" });

afterEach(() => {
  vi.restoreAllMocks();
});

describe("callbacks on completion()", () => {
  it("a success: onStart then onSuccess, with response, usage, cost, times and attempts", async () => {
    server.handle((_, response) => sendJson(response, 200, chatCompletionBody("Hello")));
    const seen = recorder();
    const response = await completion(call({ callbacks: [seen.handler] }));
    expect(seen.names()).toEqual(["onStart", "onSuccess"]);
    const start = seen.last("onStart");
    const success = seen.last("onSuccess");
    expect(start.callId).toBe(success.callId);
    expect(success).toMatchObject({
      provider: "cometapi",
      model: "gpt-5",
      stream: false,
      attempts: 1,
      usage: { prompt_tokens: 9, completion_tokens: 12, total_tokens: 21 },
    });
    expect(success.response).toBe(response);
    expect(success.cost).toBe(response._hidden_params.responseCost);
    expect(success.params).toMatchObject({ model: "cometapi/gpt-5", messages });
    expect(success.endTime).toBeGreaterThanOrEqual(success.startTime);
  });

  it("each call has its own callId", async () => {
    server.handle((_, response) => sendJson(response, 200, chatCompletionBody("Hello")));
    const seen = recorder();
    await completion(call({ callbacks: [seen.handler] }));
    await completion(call({ callbacks: [seen.handler] }));
    const ids = seen.events.filter((e) => e.name === "onStart").map((e) => e.event.callId);
    expect(new Set(ids).size).toBe(2);
  });

  it("a 500 after its retries: onRetry per retry, then onFailure once with the error and attempts", async () => {
    server.handle(failWith(500));
    const seen = recorder();
    const error = await completion(call({ maxRetries: 2, callbacks: [seen.handler] })).catch(
      (caught: unknown) => caught,
    );
    expect(error).toBeInstanceOf(InternalServerError);
    expect(seen.names()).toEqual(["onStart", "onRetry", "onRetry", "onFailure"]);
    const retries = seen.events.filter((e) => e.name === "onRetry").map((e) => e.event);
    expect(retries.map((e) => e.attempts)).toEqual([1, 2]);
    expect(retries[0]?.error).toBeInstanceOf(InternalServerError);
    const failure = seen.last("onFailure");
    expect(failure.error).toBe(error);
    expect(failure.attempts).toBe(3);
    expect(server.requests).toHaveLength(3);
  });

  it("a validation error: onStart then onFailure", async () => {
    const seen = recorder();
    await expect(completion(call({ temperature: 9, callbacks: [seen.handler] }))).rejects.toThrow();
    expect(seen.names()).toEqual(["onStart", "onFailure"]);
    expect(seen.last("onFailure").attempts).toBe(0);
  });

  it("a completed stream: onSuccess at its end with the rebuilt response, usage, cost, time to first chunk", async () => {
    server.handle((_, response) => sendEvents(response, helloWorldStream()));
    const seen = recorder();
    const stream = await completion(streamCall({ callbacks: [seen.handler] }));
    expect(seen.names()).toEqual(["onStart"]);
    await collect(stream);
    expect(seen.names()).toEqual(["onStart", "onSuccess"]);
    const success = seen.last("onSuccess");
    expect(success.stream).toBe(true);
    expect(success.finishReason).toBe("stop");
    expect(success.usage).toMatchObject({
      prompt_tokens: 9,
      completion_tokens: 3,
      total_tokens: 12,
    });
    expect(success.response).toMatchObject({
      choices: [{ message: { content: "Hello world" }, finish_reason: "stop" }],
    });
    expect(success.cost).toBe(stream._hidden_params.responseCost);
    expect(success.timeToFirstChunkMs).toBeGreaterThanOrEqual(0);
    expect(success.attempts).toBe(1);
  });

  it("a stream left early: onSuccess with what was seen and finishReason 'left early'", async () => {
    server.handle((_, response) => {
      startEvents(response);
      writeEvent(response, chunkBody({ role: "assistant", content: "Hel" }));
      writeEvent(response, chunkBody({ content: "lo" }));
    });
    const seen = recorder();
    const stream = await completion(streamCall({ callbacks: [seen.handler] }));
    for await (const chunk of stream) {
      if (chunk.choices[0]?.delta.content === "lo") break;
    }
    expect(seen.names()).toEqual(["onStart", "onSuccess"]);
    const success = seen.last("onSuccess");
    expect(success.finishReason).toBe("left early");
    expect(success.response).toMatchObject({ choices: [{ message: { content: "Hello" } }] });
    expect(success.timeToFirstChunkMs).toBeGreaterThanOrEqual(0);
  });

  it("a stream aborted by the caller's signal: onSuccess with finishReason 'aborted'", async () => {
    server.handle((_, response) => {
      startEvents(response);
      writeEvent(response, chunkBody({ role: "assistant", content: "Hel" }));
    });
    const controller = new AbortController();
    const seen = recorder();
    const stream = await completion(
      streamCall({ signal: controller.signal, callbacks: [seen.handler] }),
    );
    await expect(
      (async () => {
        for await (const _ of stream) controller.abort(new Error("stop now"));
      })(),
    ).rejects.toThrow("stop now");
    expect(seen.names()).toEqual(["onStart", "onSuccess"]);
    const success = seen.last("onSuccess");
    expect(success.finishReason).toBe("aborted");
    expect(success.response).toMatchObject({ choices: [{ message: { content: "Hel" } }] });
  });

  it("a stream failing after its first chunk: onFailure at its end, with the error and what was seen", async () => {
    server.handle((_, response) => {
      startEvents(response);
      writeEvent(response, chunkBody({ role: "assistant", content: "Hel" }));
      writeEvent(response, { error: { message: "overloaded", type: "server_error" } });
      response.end();
    });
    const seen = recorder();
    const stream = await completion(streamCall({ callbacks: [seen.handler] }));
    const error = await collect(stream).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(Error);
    expect(seen.names()).toEqual(["onStart", "onFailure"]);
    const failure = seen.last("onFailure");
    expect(failure.error).toBe(error);
    expect(failure.response).toMatchObject({ choices: [{ message: { content: "Hel" } }] });
    expect(failure.attempts).toBe(1);
  });

  it("a mock stream is reported at its end too", async () => {
    const seen = recorder();
    const stream = await completion({
      model: "cometapi/gpt-5",
      messages,
      stream: true,
      mockResponse: "Hi there",
      callbacks: [seen.handler],
    });
    await collect(stream);
    expect(seen.names()).toEqual(["onStart", "onSuccess"]);
    expect(seen.last("onSuccess").response).toMatchObject({
      choices: [{ message: { content: "Hi there" } }],
    });
  });

  it("no event holds the key: not apiKey, not an authorization header, not a client object", async () => {
    server.handle((_, response) => sendJson(response, 401, { error: { message: "bad key" } }));
    const seen = recorder();
    await completion(
      call({
        callbacks: [seen.handler],
        extraHeaders: { authorization: `Bearer ${API_KEY}`, "x-api-key": API_KEY, "x-team": "a" },
        signal: new AbortController().signal,
      }),
    ).catch(() => undefined);
    server.handle((_, response) => sendEvents(response, helloWorldStream()));
    await collect(await completion(streamCall({ callbacks: [seen.handler] })));
    expect(seen.names()).toEqual(["onStart", "onFailure", "onStart", "onSuccess"]);
    for (const { event } of seen.events) {
      const text = JSON.stringify({ ...event, error: String(event.error) });
      expect(text).not.toContain(API_KEY);
      expect(JSON.stringify(event)).not.toContain(API_KEY);
      expect(event.params).not.toHaveProperty("apiKey");
      expect(event.params).not.toHaveProperty("signal");
      expect(event.params).not.toHaveProperty("callbacks");
    }
    expect(seen.events[0]?.event.params.extraHeaders).toEqual({
      authorization: "[REDACTED]",
      "x-api-key": "[REDACTED]",
      "x-team": "a",
    });
  });

  it("the callbacks option is never sent", async () => {
    server.handle((_, response) => sendJson(response, 200, chatCompletionBody("Hello")));
    await completion(call({ callbacks: [{}] }));
    expect(server.requests[0]?.json).not.toHaveProperty("callbacks");
  });
});

describe("callbacks on embedding()", () => {
  const embeddingList = {
    object: "list",
    data: [{ object: "embedding", index: 0, embedding: [0.1, 0.2] }],
    model: "text-embedding-3-small",
    usage: { prompt_tokens: 2, total_tokens: 2 },
  };

  it("onStart then onSuccess with the answer and usage", async () => {
    server.handle((_, response) => sendJson(response, 200, embeddingList));
    const seen = recorder();
    const response = await embedding({
      model: "cometapi/text-embedding-3-small",
      input: "Hi",
      apiKey: API_KEY,
      apiBase: server.apiBase,
      callbacks: [seen.handler],
    });
    expect(seen.names()).toEqual(["onStart", "onSuccess"]);
    expect(seen.last("onSuccess")).toMatchObject({
      callType: "embedding",
      provider: "cometapi",
      model: "text-embedding-3-small",
      usage: { prompt_tokens: 2 },
      attempts: 1,
    });
    expect(seen.last("onSuccess").response).toBe(response);
  });

  it("through a Router with a process-wide handler: reported once", async () => {
    server.handle((_, response) => sendJson(response, 200, embeddingList));
    const seen = recorder();
    const router = new Router({
      modelList: [
        {
          modelName: "embed",
          params: {
            model: "cometapi/text-embedding-3-small",
            apiKey: API_KEY,
            apiBase: server.apiBase,
          },
        },
      ],
    });
    addCallback(seen.handler);
    try {
      await router.embedding({ model: "embed", input: "Hi" });
    } finally {
      removeCallback(seen.handler);
    }
    expect(seen.names()).toEqual(["onStart", "onSuccess"]);
    expect(seen.last("onSuccess").deployment).toMatchObject({ modelName: "embed" });
  });
});

describe("isolation: handlers never delay or break a call", () => {
  it("a throwing handler: the call succeeds, and one warning per handler and event", async () => {
    server.handle((_, response) => sendJson(response, 200, chatCompletionBody("Hello")));
    const warn = vi.spyOn(process, "emitWarning").mockImplementation(() => undefined);
    const throwing: CallbackHandler = {
      onStart: () => {
        throw new Error("handler bug");
      },
    };
    const after = recorder();
    const response = await completion(call({ callbacks: [throwing, after.handler] }));
    await completion(call({ callbacks: [throwing] }));
    expect(response.choices[0]?.message.content).toBe("Hello");
    expect(after.names()).toEqual(["onStart", "onSuccess"]);
    expect(warn).toHaveBeenCalledTimes(1);
    expect(warn.mock.calls[0]?.[0]).toContain("handler bug");
    expect(warn.mock.calls[0]?.[1]).toMatchObject({ code: "LLMUX_CALLBACK_FAILED" });
  });

  it("an async handler that never settles: the call resolves anyway", async () => {
    server.handle((_, response) => sendJson(response, 200, chatCompletionBody("Hello")));
    const never = () => new Promise<never>(() => undefined);
    const handler: CallbackHandler = { onStart: never, onSuccess: never };
    const response = await completion(call({ callbacks: [handler] }));
    expect(response.choices[0]?.message.content).toBe("Hello");
  });

  it("an async handler that rejects: caught, reported once as a warning", async () => {
    server.handle((_, response) => sendJson(response, 200, chatCompletionBody("Hello")));
    let warned!: () => void;
    const warning = new Promise<void>((resolve) => {
      warned = resolve;
    });
    const warn = vi.spyOn(process, "emitWarning").mockImplementation(() => warned());
    const handler: CallbackHandler = { onSuccess: async () => Promise.reject(new Error("late")) };
    await completion(call({ callbacks: [handler] }));
    await warning;
    expect(warn).toHaveBeenCalledTimes(1);
    expect(warn.mock.calls[0]?.[0]).toContain("late");
  });
});

describe("process-wide handlers", () => {
  it("addCallback sees every call; removeCallback stops it", async () => {
    server.handle((_, response) => sendJson(response, 200, chatCompletionBody("Hello")));
    const seen = recorder();
    addCallback(seen.handler);
    addCallback(seen.handler); // once only
    try {
      await completion(call());
      expect(seen.names()).toEqual(["onStart", "onSuccess"]);
    } finally {
      removeCallback(seen.handler);
    }
    await completion(call());
    expect(seen.names()).toEqual(["onStart", "onSuccess"]);
  });

  it("a process-wide and a per-call handler are each called once", async () => {
    server.handle((_, response) => sendJson(response, 200, chatCompletionBody("Hello")));
    const global = recorder();
    const local = recorder();
    addCallback(global.handler);
    try {
      await completion(call({ callbacks: [local.handler] }));
    } finally {
      removeCallback(global.handler);
    }
    expect(global.names()).toEqual(["onStart", "onSuccess"]);
    expect(local.names()).toEqual(["onStart", "onSuccess"]);
    expect(global.last("onStart").callId).toBe(local.last("onStart").callId);
  });
});

describe("callbacks through a Router", () => {
  const prefixOf = (request: RecordedRequest) => request.url.split("/")[1] ?? "";
  /** Each deployment, by its path prefix, answers as `answers` says (default: 200). */
  const serve = (answers: Record<string, number>) =>
    server.handle((request, response) => {
      const code = answers[prefixOf(request)];
      if (code === undefined) sendJson(response, 200, chatCompletionBody("routed"));
      else failWith(code)(request, response);
    });
  const deployment = (group: string, prefix: string) => ({
    modelName: group,
    id: prefix,
    params: {
      model: "openai_compatible/m",
      apiBase: `${server.origin}/${prefix}/v1`,
      apiKey: API_KEY,
    },
  });

  it("per-call and per-Router handlers are each called once, with the deployment", async () => {
    serve({});
    const routerSeen = recorder();
    const callSeen = recorder();
    const router = new Router({
      modelList: [deployment("smart", "a")],
      callbacks: [routerSeen.handler],
    });
    await router.completion({ model: "smart", messages, callbacks: [callSeen.handler] });
    for (const seen of [routerSeen, callSeen]) {
      expect(seen.names()).toEqual(["onStart", "onSuccess"]);
      expect(seen.last("onSuccess")).toMatchObject({
        provider: "openai_compatible",
        model: "m",
        deployment: { id: "a", modelName: "smart", model: "openai_compatible/m" },
        attempts: 1,
      });
      expect(JSON.stringify(seen.events)).not.toContain(API_KEY);
    }
    expect(server.requests[0]?.json).not.toHaveProperty("callbacks");
  });

  it("a process-wide handler sees a routed call once", async () => {
    serve({});
    const seen = recorder();
    const router = new Router({ modelList: [deployment("smart", "a")] });
    addCallback(seen.handler);
    try {
      await router.completion({ model: "smart", messages });
    } finally {
      removeCallback(seen.handler);
    }
    expect(seen.names()).toEqual(["onStart", "onSuccess"]);
  });

  it("a retry in the group, then a fallback: onRetry, onFallback with the failed and next group, onSuccess", async () => {
    serve({ a: 500 });
    const seen = recorder();
    const router = new Router({
      modelList: [deployment("smart", "a"), deployment("fast", "b")],
      numRetries: 1,
      fallbacks: { smart: ["fast"] },
      callbacks: [seen.handler],
    });
    const response = await router.completion({ model: "smart", messages });
    expect(response.choices[0]?.message.content).toBe("routed");
    expect(seen.names()).toEqual(["onStart", "onRetry", "onFallback", "onSuccess"]);
    expect(seen.last("onRetry")).toMatchObject({ attempts: 1, deployment: { id: "a" } });
    expect(seen.last("onRetry").error).toBeInstanceOf(InternalServerError);
    const fallback = seen.last("onFallback");
    expect(fallback.fallback).toEqual({ from: "smart", to: "fast" });
    expect(fallback.error).toBeInstanceOf(InternalServerError);
    expect(seen.last("onSuccess")).toMatchObject({ deployment: { id: "b" }, attempts: 3 });
  });

  it("every group failing: one onFailure with the error", async () => {
    serve({ a: 500 });
    const seen = recorder();
    const router = new Router({
      modelList: [deployment("smart", "a")],
      numRetries: 0,
      callbacks: [seen.handler],
    });
    const error = await router
      .completion({ model: "smart", messages })
      .catch((caught: unknown) => caught);
    expect(seen.names()).toEqual(["onStart", "onFailure"]);
    expect(seen.last("onFailure").error).toBe(error);
    expect(seen.last("onFailure").attempts).toBe(1);
  });

  it("a routed stream: onSuccess once at its end, with the deployment", async () => {
    server.handle((_, response) => sendEvents(response, helloWorldStream()));
    const seen = recorder();
    const router = new Router({ modelList: [deployment("smart", "a")] });
    const stream = await router.completion({
      model: "smart",
      messages,
      stream: true,
      callbacks: [seen.handler],
    });
    expect(seen.names()).toEqual(["onStart"]);
    await collect(stream);
    expect(seen.names()).toEqual(["onStart", "onSuccess"]);
    expect(seen.last("onSuccess")).toMatchObject({
      deployment: { id: "a" },
      finishReason: "stop",
      usage: { total_tokens: 12 },
    });
  });
});
