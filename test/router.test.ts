/**
 * The Router against real local servers as deployments: one server, a path prefix for each
 * deployment (`/a/v1`, `/b/v1`, ...), so that what each deployment saw is in the request log.
 */
import type { ServerResponse } from "node:http";
import { afterEach, describe, expect, it } from "vitest";
import {
  type APIError,
  BadRequestError,
  ContextWindowExceededError,
  completion,
  InternalServerError,
  NoDeploymentAvailableError,
  RateLimitError,
  Router,
  type RouterOptions,
} from "../src/index.js";
import { collect, contentOf, readUntilError } from "./helpers/collect.js";
import {
  chatCompletionBody,
  chunkBody,
  helloWorldStream,
  usageChunkBody,
} from "./helpers/fixtures.js";
import {
  type RecordedRequest,
  sendEvents,
  sendJson,
  startEvents,
  useTestServer,
  writeEvent,
} from "./helpers/server.js";

const messages = [{ role: "user" as const, content: "Hi" }];
const server = useTestServer();

type Answer = (request: RecordedRequest, response: ServerResponse) => unknown;
/** What each deployment answers, by its path prefix. */
let answers: Record<string, Answer> = {};
const ok: Answer = (request, response) =>
  sendJson(response, 200, chatCompletionBody(`from ${prefixOf(request)}`));
const status =
  (code: number, message = "failed", headers: Record<string, string> = {}): Answer =>
  (_, response) =>
    sendJson(response, code, { error: { message } }, { "retry-after-ms": "0", ...headers });
const prefixOf = (request: RecordedRequest) => request.url.split("/")[1] ?? "";
const seenBy = (prefix: string) => server.requests.filter((r) => prefixOf(r) === prefix).length;
const order = () => server.requests.map(prefixOf);

afterEach(() => {
  answers = {};
});
const start = () =>
  server.handle((request, response) => (answers[prefixOf(request)] ?? ok)(request, response));

/** A deployment of `group` served under `/<prefix>/v1`. */
const deployment = (group: string, prefix: string, extra: Record<string, unknown> = {}) => ({
  modelName: group,
  id: prefix,
  params: { model: "openai_compatible/m", apiBase: `${server.origin}/${prefix}/v1` },
  ...extra,
});

/** A seeded random source (mulberry32): reproducible shuffles. */
function seeded(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/** A clock the test moves by hand. */
function manualClock(start = Date.UTC(2026, 0, 1, 12, 0, 0)) {
  let now = start;
  return { now: () => now, advance: (ms: number) => (now += ms) };
}

const router = (options: Partial<RouterOptions> & Pick<RouterOptions, "modelList">) => {
  start();
  return new Router({ random: seeded(1), ...options });
};
const failure = (promise: Promise<unknown>) =>
  promise.then(
    () => {
      throw new Error("expected the call to fail");
    },
    (error: unknown) => error,
  );

describe("one name for many deployments", () => {
  it("answers through a deployment and says where it went", async () => {
    const r = router({ modelList: [deployment("smart", "a")] });
    const response = await r.completion({ model: "smart", messages });
    expect(response.choices[0]?.message.content).toBe("from a");
    expect(response._hidden_params.deployment).toEqual({
      id: "a",
      modelName: "smart",
      model: "openai_compatible/m",
    });
    expect(response._hidden_params.attempts).toBe(1);
    expect(response._hidden_params.fallbacks).toEqual([]);
    expect(server.requests[0]?.json?.model).toBe("m");
  });

  it("the call's keys win over the deployment's params", async () => {
    const r = router({
      modelList: [
        {
          ...deployment("smart", "a"),
          params: { ...deployment("smart", "a").params, temperature: 0.1, max_tokens: 5 },
        },
      ],
    });
    await r.completion({ model: "smart", messages, temperature: 0.9 });
    expect(server.requests[0]?.json).toMatchObject({ temperature: 0.9, max_tokens: 5 });
  });

  it("a __proto__ key in a deployment's params (from parsed JSON) stays a key, which validation refuses", async () => {
    const base = deployment("smart", "a");
    const params = { ...base.params };
    Object.defineProperty(params, "__proto__", {
      value: { temperature: 2 },
      enumerable: true,
      writable: true,
      configurable: true,
    });
    const r = router({ modelList: [{ ...base, params }] });
    const error = await failure(r.completion({ model: "smart", messages }));
    expect(error).toBeInstanceOf(BadRequestError);
    expect((error as Error).message).toContain("__proto__");
    expect(server.requests).toHaveLength(0);
  });

  it("a key the call gives as undefined leaves the deployment's value", async () => {
    const base = deployment("smart", "a");
    const r = router({ modelList: [{ ...base, params: { ...base.params, max_tokens: 5 } }] });
    await r.completion({ model: "smart", messages, max_tokens: undefined });
    expect(server.requests[0]?.json?.max_tokens).toBe(5);
  });

  it("a group may be named like an Object property", async () => {
    const r = router({
      modelList: [deployment("constructor", "a"), deployment("__proto__", "b")],
      fallbacks: { constructor: ["__proto__"] },
      numRetries: 0,
    });
    answers.a = status(500);
    const response = await r.completion({ model: "constructor", messages });
    expect(response.choices[0]?.message.content).toBe("from b");
  });

  it("close() resolves (the in-process state holds nothing open)", async () => {
    const r = router({ modelList: [deployment("smart", "a")] });
    await expect(r.close()).resolves.toBeUndefined();
  });

  it("acompletion is the same call", async () => {
    const r = router({ modelList: [deployment("smart", "a")] });
    expect((await r.acompletion({ model: "smart", messages })).choices[0]?.message.content).toBe(
      "from a",
    );
  });

  it("an unknown group is a BadRequestError naming the known ones, before any request", async () => {
    const r = router({ modelList: [deployment("smart", "a"), deployment("fast", "b")] });
    const error = (await failure(r.completion({ model: "gpt-5", messages }))) as BadRequestError;
    expect(error).toBeInstanceOf(BadRequestError);
    expect(error.message).toContain('"smart", "fast"');
    expect(server.requests).toHaveLength(0);
  });

  it("a deployment id is derived stably from model, base and a hash of the key, never the key", () => {
    const make = () =>
      new Router({
        modelList: [
          { modelName: "g", params: { model: "openai/gpt-5", apiKey: "sk-secret-1" } },
          { modelName: "g", params: { model: "openai/gpt-5", apiKey: "sk-secret-2" } },
        ],
      });
    const ids = async (r: Router) => {
      const seen = new Set<string>();
      for (let index = 0; index < 20; index++) {
        const response = await r.completion({ model: "g", messages, mockResponse: "x" });
        seen.add(response._hidden_params.deployment?.id ?? "");
      }
      return [...seen].sort();
    };
    return Promise.all([ids(make()), ids(make())]).then(([first, second]) => {
      expect(first).toEqual(second);
      expect(first).toHaveLength(2);
      for (const id of first ?? []) {
        expect(id).toMatch(/^openai\/gpt-5#[0-9a-f]{8}$/);
        expect(id).not.toContain("secret");
      }
    });
  });

  it("embedding and imageGeneration route too", async () => {
    const r = router({ modelList: [deployment("embed", "a")] });
    answers.a = (_, response) =>
      sendJson(response, 200, { object: "list", data: [{ embedding: [1, 2], index: 0 }] });
    const result = await r.embedding({ model: "embed", input: "hello" });
    expect(result.data[0]?.embedding).toEqual([1, 2]);
    expect(result._hidden_params?.deployment?.id).toBe("a");
    expect(server.requests[0]?.url).toBe("/a/v1/embeddings");
  });
});

describe("options are checked before any call", () => {
  it.each([
    [{ model_list: [] }, "`modelList`"],
    [{ modelList: [] }, "modelList must be a non-empty array"],
    [{ modelList: [{ modelName: "a", params: {} }] }, "modelList[0].params.model is required"],
    [{ modelList: [{ modelName: "a", params: { model: "nope/x" } }] }, 'unknown provider "nope"'],
    [
      { modelList: [{ modelName: "a", params: { model: "openai/x" } }], fallbacks: { a: ["b"] } },
      'fallbacks.a names "b"',
    ],
    [
      {
        modelList: [{ modelName: "a", params: { model: "openai/x" } }],
        routingStrategy: "fastest",
      },
      "routingStrategy must be one of",
    ],
    [
      { modelList: [{ modelName: "a", params: { model: "openai/x" }, rpm: -1 }] },
      "modelList[0].rpm must be a positive number",
    ],
    [
      { modelList: [{ modelName: "a", litellm_params: { model: "openai/x" } }] },
      "did you mean `params`?",
    ],
  ])("%j", (options, expected) => {
    let error: unknown;
    try {
      new Router(options as unknown as RouterOptions);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(BadRequestError);
    expect((error as Error).message).toContain(expected);
  });
});

describe("simple-shuffle", () => {
  it("spreads calls by weight (a seeded random source)", async () => {
    const r = new Router({
      random: seeded(42),
      modelList: [
        {
          modelName: "g",
          id: "heavy",
          params: { model: "openai/m", mockResponse: "x" },
          weight: 3,
        },
        {
          modelName: "g",
          id: "light",
          params: { model: "openai/m", mockResponse: "x" },
          weight: 1,
        },
      ],
    });
    const counts: Record<string, number> = { heavy: 0, light: 0 };
    for (let index = 0; index < 2_000; index++) {
      const response = await r.completion({ model: "g", messages });
      counts[response._hidden_params.deployment?.id ?? ""]!++;
    }
    // 3:1 expects 1500 / 500; the binomial standard deviation is ~19.
    expect(counts.heavy).toBeGreaterThan(1_420);
    expect(counts.heavy).toBeLessThan(1_580);
  });

  it("weights by rpm when no weight is given", async () => {
    const r = new Router({
      random: seeded(7),
      modelList: [
        { modelName: "g", id: "big", params: { model: "openai/m", mockResponse: "x" }, rpm: 9_000 },
        {
          modelName: "g",
          id: "small",
          params: { model: "openai/m", mockResponse: "x" },
          rpm: 1_000,
        },
      ],
    });
    let big = 0;
    for (let index = 0; index < 1_000; index++) {
      if ((await r.completion({ model: "g", messages }))._hidden_params.deployment?.id === "big")
        big++;
    }
    expect(big).toBeGreaterThan(850);
  });
});

describe("retries inside a group", () => {
  it("a retryable failure goes to another deployment at once (no wait)", async () => {
    const r = router({
      modelList: [deployment("g", "a"), deployment("g", "b")],
      random: () => 0, // a first
    });
    // A wait for this retry-after (30 s) would time the test out.
    answers.a = status(503, "down", { "retry-after-ms": "30000" });
    const response = await r.completion({ model: "g", messages });
    expect(response.choices[0]?.message.content).toBe("from b");
    expect(order()).toEqual(["a", "b"]);
    expect(response._hidden_params.attempts).toBe(2);
    expect(response._hidden_params.deployment?.id).toBe("b");
  });

  it("only one deployment: retried on it, numRetries times", async () => {
    const r = router({ modelList: [deployment("g", "a")], numRetries: 2 });
    answers.a = status(500);
    const error = (await failure(r.completion({ model: "g", messages }))) as APIError;
    expect(error).toBeInstanceOf(InternalServerError);
    expect(error.attempts).toBe(3);
    expect(seenBy("a")).toBe(3);
  });

  it("a plain 400 is neither retried nor fallen back", async () => {
    const r = router({
      modelList: [deployment("g", "a"), deployment("g", "b"), deployment("other", "c")],
      fallbacks: { g: ["other"] },
      random: () => 0,
    });
    answers.a = status(400, "Invalid value for temperature");
    answers.b = status(400, "Invalid value for temperature");
    const error = (await failure(r.completion({ model: "g", messages }))) as APIError;
    expect(error).toBeInstanceOf(BadRequestError);
    expect(server.requests).toHaveLength(1);
  });

  it("a validation error fails at once: no request, no fallback, nothing counted", async () => {
    const r = router({
      modelList: [deployment("g", "a"), deployment("g2", "b")],
      fallbacks: { g: ["g2"] },
    });
    const error = await failure(r.completion({ model: "g", messages, temperature: 7 }));
    expect(error).toBeInstanceOf(BadRequestError);
    expect((error as BadRequestError).attempts).toBe(0);
    expect(server.requests).toHaveLength(0);
  });
});

describe("fallbacks", () => {
  it("a failed group falls back to the next, each with its own retries; the answer says so", async () => {
    const r = router({
      modelList: [deployment("smart", "a"), deployment("fast", "b")],
      fallbacks: { smart: ["fast"] },
      numRetries: 1,
    });
    answers.a = status(500);
    const response = await r.completion({ model: "smart", messages });
    expect(response.choices[0]?.message.content).toBe("from b");
    expect(response._hidden_params.fallbacks).toEqual(["smart"]);
    expect(response._hidden_params.deployment).toMatchObject({ id: "b", modelName: "fast" });
    expect(response._hidden_params.attempts).toBe(3);
    expect(order()).toEqual(["a", "a", "b"]);
  });

  it("context-window errors go to their own fallbacks, never to the generic ones", async () => {
    const r = router({
      modelList: [deployment("small", "a"), deployment("long", "b"), deployment("generic", "c")],
      fallbacks: { small: ["generic"] },
      contextWindowFallbacks: { small: ["long"] },
      defaultFallbacks: ["generic"],
    });
    answers.a = status(400, "This model's maximum context length is 8192 tokens");
    const response = await r.completion({ model: "small", messages });
    expect(response.choices[0]?.message.content).toBe("from b");
    expect(seenBy("c")).toBe(0);
  });

  it("a context-window error with no context-window fallback is thrown, the generic ones untried", async () => {
    const r = router({
      modelList: [deployment("small", "a"), deployment("generic", "c")],
      fallbacks: { small: ["generic"] },
    });
    answers.a = status(400, "This model's maximum context length is 8192 tokens");
    const error = await failure(r.completion({ model: "small", messages }));
    expect(error).toBeInstanceOf(ContextWindowExceededError);
    expect(seenBy("c")).toBe(0);
  });

  it("content-policy errors go to their own fallbacks", async () => {
    const r = router({
      modelList: [
        deployment("strict", "a"),
        deployment("lenient", "b"),
        deployment("generic", "c"),
      ],
      fallbacks: { strict: ["generic"] },
      contentPolicyFallbacks: { strict: ["lenient"] },
    });
    answers.a = status(400, "Your request was rejected as a result of our safety system");
    const response = await r.completion({ model: "strict", messages });
    expect(response.choices[0]?.message.content).toBe("from b");
    expect(seenBy("c")).toBe(0);
  });

  it("a plain 400 from a fallback ends the chain", async () => {
    const r = router({
      modelList: [deployment("a", "a"), deployment("b", "b"), deployment("c", "c")],
      fallbacks: { a: ["b", "c"] },
      numRetries: 0,
    });
    answers.a = status(500);
    answers.b = status(400, "Invalid value for temperature");
    const error = await failure(r.completion({ model: "a", messages }));
    expect(error).toBeInstanceOf(BadRequestError);
    expect(order()).toEqual(["a", "b"]);
  });

  it("defaultFallbacks come after a group's own; a fallback's own fallbacks are not followed", async () => {
    const r = router({
      modelList: [
        deployment("a", "a"),
        deployment("b", "b"),
        deployment("c", "c"),
        deployment("d", "d"),
      ],
      fallbacks: { a: ["b"], b: ["d"] },
      defaultFallbacks: ["c"],
      numRetries: 0,
    });
    answers.a = status(500);
    answers.b = status(500);
    const response = await r.completion({ model: "a", messages });
    expect(response.choices[0]?.message.content).toBe("from c");
    expect(order()).toEqual(["a", "b", "c"]);
    expect(response._hidden_params.fallbacks).toEqual(["a", "b"]);
  });

  it("after every try: the last failure's class, every request counted, where it went", async () => {
    const r = router({
      modelList: [deployment("a", "a"), deployment("b", "b")],
      fallbacks: { a: ["b"] },
      numRetries: 1,
    });
    answers.a = status(500);
    answers.b = status(503);
    const error = (await failure(r.completion({ model: "a", messages }))) as APIError & {
      _hidden_params: { fallbacks: string[]; attempts: number; deployment: { id: string } };
    };
    expect(error.name).toBe("ServiceUnavailableError");
    expect(error.attempts).toBe(4);
    expect(error._hidden_params.fallbacks).toEqual(["a"]);
    expect(error._hidden_params.deployment.id).toBe("b");
    expect(Object.keys(error)).not.toContain("_hidden_params");
  });
});

describe("cooldowns", () => {
  it("a 429 cools a deployment at once; the next calls avoid it; it returns after cooldownTime", async () => {
    const clock = manualClock();
    const r = router({
      modelList: [deployment("g", "a"), deployment("g", "b")],
      cooldownTime: 5_000,
      now: clock.now,
      random: () => 0,
    });
    answers.a = status(429, "slow down");
    await r.completion({ model: "g", messages }); // a: 429, then b
    const cooling = await r.cooldowns();
    expect(cooling).toEqual([
      { id: "a", modelName: "g", until: clock.now() + 5_000, reason: "429 RateLimitError" },
    ]);
    server.requests.length = 0;
    for (let index = 0; index < 5; index++) await r.completion({ model: "g", messages });
    expect(order()).toEqual(["b", "b", "b", "b", "b"]);
    clock.advance(5_001);
    expect(await r.cooldowns()).toEqual([]);
    answers.a = ok;
    server.requests.length = 0;
    await r.completion({ model: "g", messages });
    expect(order()).toEqual(["a"]);
  });

  it.each([401, 403, 404, 408])("a %i cools a deployment at once too", async (code) => {
    const clock = manualClock();
    const r = router({
      modelList: [deployment("g", "a"), deployment("g", "b")],
      now: clock.now,
      random: () => 0,
      numRetries: 0,
    });
    answers.a = status(code, "no", { "x-should-retry": "true" });
    await r.completion({ model: "g", messages }).catch(() => undefined);
    expect((await r.cooldowns()).map((cooldown) => cooldown.id)).toEqual(["a"]);
  });

  it.each([400, 422])("a %i counts against no deployment (the request was wrong)", async (code) => {
    const r = router({
      modelList: [deployment("g", "a"), deployment("g", "b")],
      allowedFails: 0,
      random: () => 0,
    });
    answers.a = status(code, "bad parameter");
    await failure(r.completion({ model: "g", messages }));
    expect(await r.cooldowns()).toEqual([]);
  });

  it("a retry-after longer than cooldownTime lengthens the cooldown, up to 60 s", async () => {
    const clock = manualClock();
    const r = router({
      modelList: [deployment("g", "a"), deployment("g", "b")],
      now: clock.now,
      random: () => 0,
    });
    answers.a = status(429, "slow", { "retry-after-ms": "", "retry-after": "3600" });
    await r.completion({ model: "g", messages });
    expect((await r.cooldowns())[0]?.until).toBe(clock.now() + 60_000);
  });

  it("other failures cool after allowedFails within a minute", async () => {
    const clock = manualClock();
    const r = router({
      modelList: [deployment("g", "a"), deployment("g", "b")],
      allowedFails: 2,
      now: clock.now,
      random: () => 0,
    });
    answers.a = status(500);
    for (let index = 0; index < 2; index++) await r.completion({ model: "g", messages });
    expect(await r.cooldowns()).toEqual([]); // two failures are allowed
    await r.completion({ model: "g", messages });
    expect((await r.cooldowns()).map((c) => c.id)).toEqual(["a"]);
    expect((await r.cooldowns())[0]?.reason).toContain("3 failures within a minute");
  });

  it("failures in an earlier minute do not count", async () => {
    const clock = manualClock();
    const r = router({
      modelList: [deployment("g", "a"), deployment("g", "b")],
      allowedFails: 1,
      now: clock.now,
      random: () => 0,
    });
    answers.a = status(500);
    await r.completion({ model: "g", messages });
    clock.advance(60_000);
    await r.completion({ model: "g", messages });
    expect(await r.cooldowns()).toEqual([]);
  });

  it("a group's only deployment is never cooled", async () => {
    const r = router({ modelList: [deployment("g", "a")], numRetries: 0 });
    answers.a = status(429);
    await failure(r.completion({ model: "g", messages }));
    expect(await r.cooldowns()).toEqual([]);
    answers.a = ok;
    await r.completion({ model: "g", messages });
  });

  it("every deployment cooling: NoDeploymentAvailableError (a RateLimitError) with retryAfterMs", async () => {
    const clock = manualClock();
    const r = router({
      modelList: [deployment("g", "a"), deployment("g", "b")],
      cooldownTime: 10_000,
      now: clock.now,
      numRetries: 1,
    });
    answers.a = status(429);
    answers.b = status(429);
    const first = await failure(r.completion({ model: "g", messages }));
    expect(first).toBeInstanceOf(RateLimitError);
    clock.advance(4_000);
    server.requests.length = 0;
    const error = (await failure(
      r.completion({ model: "g", messages }),
    )) as NoDeploymentAvailableError;
    expect(error).toBeInstanceOf(NoDeploymentAvailableError);
    expect(error).toBeInstanceOf(RateLimitError);
    expect(error.modelName).toBe("g");
    expect(error.retryAfterMs).toBe(6_000);
    expect(server.requests).toHaveLength(0);
  });
});

describe("rate limits", () => {
  it("rpm is never exceeded under 50 concurrent calls", async () => {
    const clock = manualClock();
    const r = router({
      modelList: [deployment("g", "a", { rpm: 10 }), deployment("g", "b", { rpm: 5 })],
      now: clock.now,
    });
    const results = await Promise.allSettled(
      Array.from({ length: 50 }, () => r.completion({ model: "g", messages })),
    );
    expect(seenBy("a")).toBe(10);
    expect(seenBy("b")).toBe(5);
    const rejected = results.filter((result) => result.status === "rejected");
    expect(rejected).toHaveLength(35);
    for (const result of rejected) {
      expect((result as PromiseRejectedResult).reason).toBeInstanceOf(NoDeploymentAvailableError);
    }
    // The next minute, calls flow again.
    clock.advance(60_000);
    await r.completion({ model: "g", messages });
  });

  it("an aborted request still counts against rpm", async () => {
    const clock = manualClock();
    const r = router({
      modelList: [deployment("g", "a", { rpm: 1 }), deployment("g", "b")],
      now: clock.now,
      random: () => 0,
    });
    answers.a = () => undefined;
    const controller = new AbortController();
    const pending = failure(r.completion({ model: "g", messages, signal: controller.signal }));
    await server.nextRequest();
    controller.abort(new Error("stop"));
    await pending;
    answers.a = ok;
    await r.completion({ model: "g", messages });
    expect(order()).toEqual(["a", "b"]);
  });

  it("tpm: without usage in the answer, the token estimate stands", async () => {
    const clock = manualClock();
    const r = router({
      modelList: [deployment("g", "a", { tpm: 60 }), deployment("g", "b")],
      now: clock.now,
      random: () => 0,
    });
    answers.a = (_, response) => {
      const { usage: _usage, ...body } = chatCompletionBody("no usage");
      sendJson(response, 200, body);
    };
    const long = [{ role: "user" as const, content: "x".repeat(200) }]; // ~50 tokens
    await r.completion({ model: "g", messages: long });
    await r.completion({ model: "g", messages: long });
    expect(order()).toEqual(["a", "b"]);
  });

  it("tpm: a deployment past its tokens for the minute is skipped", async () => {
    const clock = manualClock();
    const r = router({
      modelList: [deployment("g", "a", { tpm: 30 }), deployment("g", "b")],
      now: clock.now,
      random: () => 0,
    });
    await r.completion({ model: "g", messages }); // a: 21 tokens (the fixture's usage)
    await r.completion({ model: "g", messages }); // a: 42 > 30 now
    server.requests.length = 0;
    await r.completion({ model: "g", messages });
    expect(order()).toEqual(["b"]);
  });
});

describe("strategies", () => {
  it("least-busy picks the deployment with the fewest requests in flight", async () => {
    // Ties always go to "a": only the count in flight can send the second call to "b".
    const r = router({
      routingStrategy: "least-busy",
      modelList: [deployment("g", "a"), deployment("g", "b")],
      random: () => 0,
    });
    let release: () => void = () => {};
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    answers.a = async (request, response) => {
      await held;
      ok(request, response);
    };
    answers.b = async (request, response) => {
      await held;
      ok(request, response);
    };
    const first = r.completion({ model: "g", messages });
    await server.nextRequest();
    const busy = prefixOf(server.requests[0] as RecordedRequest);
    const second = r.completion({ model: "g", messages });
    await server.nextRequest();
    expect(busy).toBe("a");
    expect(prefixOf(server.requests[1] as RecordedRequest)).toBe("b");
    release();
    await Promise.all([first, second]);
  });

  it("latency-based tries an unmeasured deployment first, then keeps to the fastest", async () => {
    const r = router({
      routingStrategy: "latency-based",
      modelList: [deployment("g", "a"), deployment("g", "b")],
    });
    answers.a = async (request, response) => {
      await new Promise((resolve) => setTimeout(resolve, 40));
      ok(request, response);
    };
    await r.completion({ model: "g", messages });
    await r.completion({ model: "g", messages });
    expect(new Set(order())).toEqual(new Set(["a", "b"])); // both measured
    server.requests.length = 0;
    for (let index = 0; index < 4; index++) await r.completion({ model: "g", messages });
    expect(order()).toEqual(["b", "b", "b", "b"]);
  });

  it("usage-based picks the deployment with the fewest tokens this minute", async () => {
    // Ties always go to "a": only the tokens counted can send the second call to "b".
    const r = router({
      routingStrategy: "usage-based",
      modelList: [deployment("g", "a"), deployment("g", "b")],
      random: () => 0,
    });
    await r.completion({ model: "g", messages });
    await r.completion({ model: "g", messages });
    expect(order()).toEqual(["a", "b"]);
  });
});

describe("streams", () => {
  const overloaded = `event: error\ndata: ${JSON.stringify({
    type: "error",
    error: { type: "overloaded_error", message: "Overloaded" },
  })}\n\n`;

  it("a stream whose first event is an overloaded error falls back", async () => {
    const r = router({
      modelList: [deployment("claude", "a"), deployment("backup", "b")],
      fallbacks: { claude: ["backup"] },
      numRetries: 0,
    });
    answers.a = (_, response) => sendEvents(response, overloaded);
    answers.b = (_, response) => sendEvents(response, helloWorldStream());
    const stream = await r.completion({ model: "claude", messages, stream: true });
    expect(contentOf(await collect(stream))).toBe("Hello world");
    expect(stream._hidden_params.deployment?.id).toBe("b");
    expect(stream._hidden_params.fallbacks).toEqual(["claude"]);
    expect(stream._hidden_params.attempts).toBe(2);
  });

  it("a stream that fails after its first chunk is not retried or fallen back, and counts", async () => {
    const clock = manualClock();
    const r = router({
      modelList: [deployment("g", "a"), deployment("g", "b"), deployment("backup", "c")],
      fallbacks: { g: ["backup"] },
      allowedFails: 0,
      now: clock.now,
      random: () => 0,
    });
    answers.a = (_, response) => {
      startEvents(response);
      writeEvent(response, chunkBody({ content: "one" }));
      writeEvent(response, { error: { message: "upstream died", code: 500 } });
      response.end();
    };
    const stream = await r.completion({ model: "g", messages, stream: true });
    const { seen, error } = await readUntilError(stream);
    expect(seen).toEqual(["one"]);
    expect(error).toBeInstanceOf(InternalServerError);
    expect(order()).toEqual(["a"]);
    expect((await r.cooldowns()).map((c) => c.id)).toEqual(["a"]); // counted against it
  });

  it("a stream's tokens count against tpm when it ends", async () => {
    const clock = manualClock();
    const r = router({
      modelList: [deployment("g", "a", { tpm: 30 }), deployment("g", "b")],
      now: clock.now,
      random: () => 0,
    });
    answers.a = (_, response) =>
      sendEvents(
        response,
        [
          chunkBody({ content: "x" }),
          {
            ...usageChunkBody(),
            usage: { prompt_tokens: 20, completion_tokens: 20, total_tokens: 40 },
          },
        ]
          .map((chunk) => `data: ${JSON.stringify(chunk)}\n\n`)
          .join(""),
      );
    await collect(await r.completion({ model: "g", messages, stream: true }));
    server.requests.length = 0;
    await r.completion({ model: "g", messages });
    expect(order()).toEqual(["b"]);
  });
});

describe("abort", () => {
  it("stops the whole chain at once: no further deployment is called", async () => {
    const r = router({
      modelList: [deployment("g", "a"), deployment("g", "b"), deployment("backup", "c")],
      fallbacks: { g: ["backup"] },
      random: () => 0,
    });
    answers.a = () => undefined; // never answers
    const controller = new AbortController();
    const reason = new Error("user left");
    const pending = failure(r.completion({ model: "g", messages, signal: controller.signal }));
    await server.nextRequest();
    controller.abort(reason);
    expect(await pending).toBe(reason);
    expect(order()).toEqual(["a"]);
  });

  it("while waiting to retry the same deployment", async () => {
    let answered: () => void = () => {};
    const gotAnswer = new Promise<void>((resolve) => {
      answered = resolve;
    });
    // Tells the test when the client has the 503 in hand: the router then waits 30 s.
    const fetchSpy = async (url: string, init: RequestInit) => {
      const response = await fetch(url, init);
      answered();
      return response;
    };
    const base = deployment("g", "a");
    const r = router({ modelList: [{ ...base, params: { ...base.params, fetch: fetchSpy } }] });
    answers.a = status(503, "later", { "retry-after-ms": "", "retry-after": "30" });
    const controller = new AbortController();
    const reason = new Error("no more");
    const pending = failure(r.completion({ model: "g", messages, signal: controller.signal }));
    await gotAnswer;
    for (let turn = 0; turn < 3; turn++) await new Promise((resolve) => setImmediate(resolve));
    controller.abort(reason);
    expect(await pending).toBe(reason);
    expect(server.requests).toHaveLength(1);
  });
});

describe("plain completion() is untouched by a router", () => {
  it("still works on its own", async () => {
    start();
    const response = await completion({
      model: "openai_compatible/m",
      apiBase: `${server.origin}/z/v1`,
      messages,
    });
    expect(response._hidden_params.deployment).toBeUndefined();
  });
});

describe("structured outputs through a Router", () => {
  it("parses the answer of the deployment that answered", async () => {
    const { z } = await import("zod");
    const r = router({ modelList: [deployment("smart", "a")] });
    answers.a = (_, response) =>
      sendJson(response, 200, chatCompletionBody(JSON.stringify({ city: "Paris", celsius: 18 })));
    const response = await r.completion({
      model: "smart",
      messages,
      responseFormat: z.object({ city: z.string(), celsius: z.number() }),
    });
    expect(response.choices[0]?.message.parsed).toEqual({ city: "Paris", celsius: 18 });
    expect(response._hidden_params.deployment?.id).toBe("a");
    expect(server.requests[0]?.json?.response_format).toMatchObject({ type: "json_schema" });
  });

  it("streams snapshots from the deployment that answered after a fallback, then final() parses", async () => {
    const { z } = await import("zod");
    const r = router({
      modelList: [deployment("smart", "a"), deployment("fast", "b")],
      fallbacks: { smart: ["fast"] },
      numRetries: 0,
    });
    answers.a = (_, response) => sendJson(response, 503, { error: { message: "down" } });
    answers.b = (_, response) => {
      const pieces = ['{"city":"Pa', 'ris","celsius":1', "8}"];
      const events = [
        chunkBody({ role: "assistant", content: "" }),
        ...pieces.map((content) => chunkBody({ content })),
        chunkBody({}, "stop"),
        usageChunkBody(),
      ];
      sendEvents(
        response,
        `${events.map((e) => `data: ${JSON.stringify(e)}\n\n`).join("")}data: [DONE]\n\n`,
      );
    };
    const stream = await r.completion({
      model: "smart",
      messages,
      stream: true,
      responseFormat: z.object({ city: z.string(), celsius: z.number() }),
    });
    const snapshots = [];
    for await (const snapshot of stream.partialObjects()) snapshots.push(snapshot);
    expect(snapshots).toEqual([{ city: "Pa" }, { city: "Paris" }, { city: "Paris", celsius: 18 }]);
    const final = await stream.final();
    expect(final.choices[0]?.message.parsed).toEqual({ city: "Paris", celsius: 18 });
    expect(stream._hidden_params.deployment?.id).toBe("b");
    expect(stream._hidden_params.fallbacks).toEqual(["smart"]);
  });
});
