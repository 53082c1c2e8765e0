/**
 * The Router's budget: `maxBudget` per `budgetDuration`, the spend kept in the router's state
 * (in the process, or shared on Redis), a `BudgetExceededError` before any request once spent.
 */
import { createClient } from "redis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BudgetExceededError } from "../src/errors/errors.js";
import { BadRequestError, Router, type RouterOptions, registerModelInfo } from "../src/index.js";
import { collect } from "./helpers/collect.js";
import { chatCompletionBody, helloWorldStream } from "./helpers/fixtures.js";
import { describeWithRedis, type RedisProcess, startRedis } from "./helpers/redis-server.js";
import { sendEvents, sendJson, useTestServer } from "./helpers/server.js";

const messages = [{ role: "user" as const, content: "Hi" }];
const server = useTestServer();
const PRICED = "openai_compatible/budget-priced";

beforeAll(() => {
  registerModelInfo(PRICED, { inputCostPerToken: 0.01, outputCostPerToken: 0.01 });
});

const answerJson = () =>
  server.handle((_, response) => sendJson(response, 200, chatCompletionBody("ok")));
const deployment = (model = PRICED) => ({
  modelName: "g",
  id: "a",
  params: { model, apiBase: `${server.origin}/a/v1`, apiKey: "sk-test" },
});
const day = Date.UTC(2026, 0, 1);
function manualClock(start = day + 1_000) {
  let now = start;
  return { now: () => now, set: (ms: number) => (now = ms) };
}
const router = (options: Partial<RouterOptions>) =>
  new Router({ modelList: [deployment()], ...options });

describe("Router budget", () => {
  it("blocks the next call before any request once the spend is reached, until the next window", async () => {
    answerJson();
    const clock = manualClock();
    const first = await router({ now: clock.now }).completion({ model: "g", messages });
    const cost = first._hidden_params.responseCost as number;
    expect(cost).toBeGreaterThan(0);

    const r = router({ now: clock.now, maxBudget: cost * 1.5, budgetDuration: "1d" });
    const before = server.requests.length;
    await r.completion({ model: "g", messages });
    await r.completion({ model: "g", messages }); // spend (1x) below the budget
    const error = await r.completion({ model: "g", messages }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BudgetExceededError);
    const budgetError = error as BudgetExceededError;
    expect(budgetError.isRetryable).toBe(false);
    expect(budgetError.maxBudget).toBe(cost * 1.5);
    expect(budgetError.spend).toBeCloseTo(cost * 2);
    expect(budgetError.budgetDuration).toBe("1d");
    expect(budgetError.retryAfterMs).toBe(86_400_000 - 1_000);
    expect(budgetError.name).toBe("BudgetExceededError");
    expect(server.requests.length - before).toBe(2);

    clock.set(day + 86_400_000);
    await expect(r.completion({ model: "g", messages })).resolves.toBeDefined();
    expect(server.requests.length - before).toBe(3);
  });

  it("never falls back", async () => {
    answerJson();
    const r = new Router({
      modelList: [deployment(), { ...deployment(), modelName: "backup", id: "b" }],
      fallbacks: { g: ["backup"] },
      maxBudget: 1e-9,
    });
    await r.completion({ model: "g", messages });
    const before = server.requests.length;
    await expect(r.completion({ model: "g", messages })).rejects.toBeInstanceOf(
      BudgetExceededError,
    );
    expect(server.requests.length).toBe(before);
  });

  it("counts a stream's cost at its end", async () => {
    server.handle((_, response) => sendEvents(response, helloWorldStream()));
    const r = router({ maxBudget: 1e-9 });
    const stream = await r.completion({ model: "g", messages, stream: true });
    // Open but not ended: nothing spent yet.
    await r.completion({ model: "g", messages, stream: true }).then(collect);
    await collect(stream);
    expect(stream._hidden_params.responseCost).toBeGreaterThan(0);
    await expect(r.completion({ model: "g", messages, stream: true })).rejects.toBeInstanceOf(
      BudgetExceededError,
    );
  });

  it("adds nothing for calls whose cost is unknown", async () => {
    answerJson();
    const r = new Router({
      modelList: [deployment("openai_compatible/unpriced")],
      maxBudget: 1e-9,
    });
    for (let i = 0; i < 3; i++) {
      const answer = await r.completion({ model: "g", messages });
      expect(answer._hidden_params.responseCost).toBeUndefined();
    }
  });

  it("validates maxBudget and budgetDuration", () => {
    const issues = (options: Partial<RouterOptions>) => {
      try {
        router(options);
      } catch (error) {
        expect(error).toBeInstanceOf(BadRequestError);
        return (error as BadRequestError).issues?.map((issue) => issue.path);
      }
      return [];
    };
    expect(issues({ maxBudget: 0 })).toEqual(["maxBudget"]);
    expect(issues({ maxBudget: -1 })).toEqual(["maxBudget"]);
    expect(issues({ maxBudget: "5" as unknown as number })).toEqual(["maxBudget"]);
    expect(issues({ maxBudget: 5, budgetDuration: "1 day" })).toEqual(["budgetDuration"]);
    expect(issues({ maxBudget: 5, budgetDuration: "0d" })).toEqual(["budgetDuration"]);
    expect(issues({ maxBudget: 5, budgetDuration: "1w" })).toEqual(["budgetDuration"]);
    for (const budgetDuration of ["30s", "1m", "1h", "1d", "7d", "30d"]) {
      expect(issues({ maxBudget: 5, budgetDuration })).toEqual([]);
    }
    expect(issues({ max_budget: 5 } as Partial<RouterOptions>)).toEqual(["max_budget"]);
  });
});

const describeRedis = describeWithRedis();
describeRedis("Router budget on Redis", () => {
  let redis: RedisProcess;
  beforeAll(async () => {
    redis = await startRedis();
  });
  afterAll(() => redis?.stop());

  it("two routers share the spend", async () => {
    answerJson();
    const clients = await Promise.all(
      [0, 1].map(async () => {
        const client = createClient({ url: redis.url });
        client.on("error", () => {});
        await client.connect();
        return client;
      }),
    );
    const [clientA, clientB] = clients as [(typeof clients)[0], (typeof clients)[0]];
    const redisKeyPrefix = `budget${process.pid}`;
    const make = (client: typeof clientA) =>
      router({ redis: client, redisKeyPrefix, maxBudget: 1e-9, budgetDuration: "1h" });
    const a = make(clientA);
    const b = make(clientB);
    try {
      await a.completion({ model: "g", messages });
      // The spend reaches Redis without anyone waiting for it.
      let stored: string | null = null;
      for (let tries = 0; tries < 200 && stored === null; tries++) {
        const keys = await clientA.keys(`llmux:${redisKeyPrefix}:budget:*`);
        stored = keys[0] === undefined ? null : await clientA.get(keys[0]);
        if (stored === null) await new Promise((resolve) => setTimeout(resolve, 10));
      }
      expect(Number(stored)).toBeGreaterThan(0);
      const before = server.requests.length;
      // B has not read this window yet: its first check reads it.
      const error = await b.completion({ model: "g", messages }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(BudgetExceededError);
      expect((error as BudgetExceededError).spend).toBeCloseTo(Number(stored));
      await expect(a.completion({ model: "g", messages })).rejects.toBeInstanceOf(
        BudgetExceededError,
      );
      expect(server.requests.length).toBe(before);
    } finally {
      await Promise.all([a.close(), b.close()]);
      await Promise.all(clients.map((client) => client.close()));
    }
  });
});
