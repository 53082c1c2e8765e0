/**
 * The Router's state shared on a real Redis (and a real Redis Cluster): limits and cooldowns
 * that hold across routers and processes, and calls that go on when Redis is down, dies or
 * stalls. Each test uses its own key prefix, so that nothing carries over between tests.
 */
import { execFile } from "node:child_process";
import { join } from "node:path";
import { promisify } from "node:util";
import { createClient, createCluster } from "redis";
import { afterAll, afterEach, beforeAll, expect, it } from "vitest";
import { NoDeploymentAvailableError, Router, type RouterOptions } from "../src/index.js";
import { chatCompletionBody } from "./helpers/fixtures.js";
import {
  describeWithRedis,
  type RedisClusterProcess,
  type RedisProcess,
  startRedis,
  startRedisCluster,
} from "./helpers/redis-server.js";
import { type RecordedRequest, sendJson, useTestServer } from "./helpers/server.js";

const run = promisify(execFile);

/** Polls `check` until it holds (the router records after a call without being awaited). */
async function eventually(check: () => Promise<boolean>): Promise<boolean> {
  for (let tries = 0; tries < 200; tries++) {
    if (await check()) return true;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  return false;
}
const describeRedis = describeWithRedis();
const messages = [{ role: "user" as const, content: "Hi" }];
const server = useTestServer();

let testNumber = 0;
/** A key prefix of this test's own. */
const freshPrefix = () => `t${process.pid}-${++testNumber}`;
const prefixOf = (request: RecordedRequest) => request.url.split("/")[1] ?? "";
const seenBy = (prefix: string) => server.requests.filter((r) => prefixOf(r) === prefix).length;

/** Deployments served under `/<id>/v1`; `a` answers 429 when `throttled` holds it. */
const throttled = new Set<string>();
const deployment = (group: string, id: string, extra: Record<string, unknown> = {}) => ({
  modelName: group,
  id,
  params: {
    model: "openai_compatible/m",
    apiBase: `${server.origin}/${id}/v1`,
    apiKey: "sk-secret-llmux-test",
  },
  ...extra,
});
function answer() {
  server.handle((request, response) => {
    const id = prefixOf(request);
    if (throttled.has(id)) {
      sendJson(response, 429, { error: { message: "slow down" } }, { "retry-after-ms": "0" });
    } else sendJson(response, 200, chatCompletionBody(`from ${id}`));
  });
}
afterEach(() => {
  throttled.clear();
});

const warnings: Error[] = [];
const onWarning = (warning: Error) => warnings.push(warning);
beforeAll(() => {
  process.on("warning", onWarning);
});
afterAll(() => {
  process.off("warning", onWarning);
});

describeRedis("Router state on one Redis", () => {
  let redis: RedisProcess;
  const routers: Router[] = [];
  const make = (options: Partial<RouterOptions> & Pick<RouterOptions, "modelList">) => {
    const router = new Router({ redis: redis.url, ...options });
    routers.push(router);
    return router;
  };
  beforeAll(async () => {
    redis = await startRedis();
  });
  afterEach(async () => {
    await Promise.all(routers.splice(0).map((router) => router.close()));
    warnings.length = 0;
  });
  afterAll(() => redis?.stop());

  /** A client connected before a burst of calls (a router given a URL may still be connecting). */
  const connected = async () => {
    const client = createClient({ url: redis.url });
    client.on("error", () => {});
    await client.connect();
    clients.push(client);
    return client;
  };
  const clients: { close(): Promise<void> }[] = [];
  afterEach(async () => {
    await Promise.all(clients.splice(0).map((client) => client.close()));
  });

  it("two routers share an rpm limit under concurrency", async () => {
    answer();
    const redisKeyPrefix = freshPrefix();
    const options = {
      redis: await connected(),
      redisKeyPrefix,
      modelList: [deployment("g", "a", { rpm: 10 })],
    };
    const first = make(options);
    const second = make(options);
    const results = await Promise.allSettled(
      Array.from({ length: 40 }, (_, index) =>
        (index % 2 === 0 ? first : second).completion({ model: "g", messages }),
      ),
    );
    expect(seenBy("a")).toBe(10);
    const rejected = results.filter((result) => result.status === "rejected");
    expect(rejected).toHaveLength(30);
    for (const result of rejected) {
      expect((result as PromiseRejectedResult).reason).toBeInstanceOf(NoDeploymentAvailableError);
    }
    expect(warnings).toEqual([]);
  });

  it("a cooldown one router sets is honoured by the other from its next call", async () => {
    answer();
    const redisKeyPrefix = freshPrefix();
    const options = {
      redis: await connected(),
      redisKeyPrefix,
      random: () => 0, // a first, where it is available
      modelList: [deployment("g", "a"), deployment("g", "b")],
    };
    const first = make(options);
    const second = make(options);
    throttled.add("a");
    await first.completion({ model: "g", messages }); // a: 429 -> cooled; then b
    const seen = await eventually(async () =>
      (await second.cooldowns()).some((cooldown) => cooldown.id === "a"),
    );
    expect(seen).toBe(true);
    server.requests.length = 0;
    for (let index = 0; index < 3; index++) await second.completion({ model: "g", messages });
    expect(seenBy("a")).toBe(0);
    expect(seenBy("b")).toBe(3);
  });

  it("a second Node process shares the limit: never more than rpm across both", async () => {
    answer();
    const redisKeyPrefix = freshPrefix();
    const router = make({
      redis: await connected(),
      redisKeyPrefix,
      modelList: [deployment("g", "a", { rpm: 10 })],
    });
    const child = run(
      process.execPath,
      [
        "--import",
        "tsx",
        join(import.meta.dirname, "helpers", "router-redis-child.ts"),
        redis.url,
        `${server.origin}/a/v1`,
        "15",
        redisKeyPrefix,
      ],
      { cwd: join(import.meta.dirname, ".."), timeout: 30_000 },
    );
    const here = await Promise.allSettled(
      Array.from({ length: 15 }, () => router.completion({ model: "g", messages })),
    );
    const { stdout } = await child;
    const there = JSON.parse(stdout) as { ok: number; limited: number };
    const okHere = here.filter((result) => result.status === "fulfilled").length;
    expect(okHere + there.ok).toBe(10);
    expect(seenBy("a")).toBe(10);
  });

  it("every key expires on its own and holds no key or secret", async () => {
    answer();
    const redisKeyPrefix = freshPrefix();
    const router = make({
      redis: await connected(),
      redisKeyPrefix,
      modelList: [deployment("g", "a"), deployment("g", "b")],
      random: () => 0,
    });
    throttled.add("a");
    await router.completion({ model: "g", messages });
    await router.completion({ model: "g", messages });
    expect(await eventually(async () => (await router.cooldowns()).length === 1)).toBe(true);
    const client = createClient({ url: redis.url });
    client.on("error", () => {});
    await client.connect();
    const keys = await client.keys(`llmux:${redisKeyPrefix}:*`);
    expect(keys.length).toBeGreaterThanOrEqual(4);
    for (const key of keys) {
      expect(key).toMatch(new RegExp(`^llmux:${redisKeyPrefix}:\\{g\\}:`));
      expect(await client.pTTL(key)).toBeGreaterThan(0);
      const dump = JSON.stringify(await client.hGetAll(key));
      expect(`${key} ${dump}`).not.toContain("sk-secret");
    }
    await client.close();
  });

  it("a stalled Redis (every client paused) does not hold calls", async () => {
    answer();
    const router = make({
      redis: await connected(),
      redisKeyPrefix: freshPrefix(),
      modelList: [deployment("g", "a")],
    });
    await router.completion({ model: "g", messages });
    const client = createClient({ url: redis.url });
    client.on("error", () => {});
    await client.connect();
    const events: string[] = [];
    // CLIENT PAUSE rather than DEBUG SLEEP: its answer says the stall has begun (a DEBUG SLEEP
    // sent from another connection may run after the router's command, and prove nothing).
    const watcher = createClient({ url: redis.url });
    watcher.on("error", () => {});
    await watcher.connect();
    await client.sendCommand(["CLIENT", "PAUSE", "2000", "ALL"]);
    const stalled = watcher.sendCommand(["PING"]).then(() => events.push("redis woke"));
    await router.completion({ model: "g", messages });
    events.push("call answered");
    await stalled;
    await watcher.close();
    await client.close();
    expect(events).toEqual(["call answered", "redis woke"]);
    expect(
      warnings.filter(
        (warning) => warning.name === "Warning" && String(warning.message).includes("Redis"),
      ),
    ).toHaveLength(1);
  });
});

describeRedis("Router state when Redis is down or dies", () => {
  it("Redis down at start: calls succeed on the process's state, with one warning", async () => {
    answer();
    const redis = await startRedis();
    const url = redis.url;
    await redis.stop();
    const router = new Router({
      redis: url,
      redisKeyPrefix: freshPrefix(),
      modelList: [deployment("g", "a")],
    });
    for (let index = 0; index < 5; index++) await router.completion({ model: "g", messages });
    expect(seenBy("a")).toBe(5);
    expect(
      warnings.filter(
        (warning) => (warning as { code?: string }).code === "LLMUX_REDIS_UNAVAILABLE",
      ),
    ).toHaveLength(1);
    await router.close();
    warnings.length = 0;
  });

  it("Redis killed mid-run, then started again on the same port: calls never fail, sharing resumes", async () => {
    answer();
    const redis = await startRedis();
    const redisKeyPrefix = freshPrefix();
    const options = {
      redis: redis.url,
      redisKeyPrefix,
      random: () => 0,
      modelList: [deployment("g", "a"), deployment("g", "b")],
    };
    const first = new Router(options);
    const second = new Router(options);
    await first.completion({ model: "g", messages });
    await redis.kill();
    for (let index = 0; index < 5; index++) {
      await first.completion({ model: "g", messages });
      await second.completion({ model: "g", messages });
    }
    await redis.restart();
    // Sharing resumes: wait until a cooldown set by one router is seen by the other.
    throttled.add("a");
    const shared = await eventually(async () => {
      await first.completion({ model: "g", messages });
      return (await second.cooldowns()).some((cooldown) => cooldown.id === "a");
    });
    expect(shared).toBe(true);
    await first.close();
    await second.close();
    await redis.stop();
    warnings.length = 0;
  });

  it("close() leaves a client the caller made open", async () => {
    const redis = await startRedis();
    const client = createClient({ url: redis.url });
    client.on("error", () => {});
    await client.connect();
    const router = new Router({ redis: client, modelList: [deployment("g", "a")] });
    await router.close();
    expect(client.isReady).toBe(true);
    expect(await client.ping()).toBe("PONG");
    await client.close();
    await redis.stop();
  });
});

describeRedis("Router state on a Redis Cluster", () => {
  let cluster: RedisClusterProcess;
  beforeAll(async () => {
    cluster = await startRedisCluster();
  });
  afterAll(() => cluster?.stop());

  it("two routers on a cluster client share an rpm limit and a cooldown", async () => {
    answer();
    const client = createCluster({ rootNodes: [...cluster.rootNodes] });
    client.on("error", () => {});
    await client.connect();
    const redisKeyPrefix = freshPrefix();
    const options = {
      redis: client,
      redisKeyPrefix,
      random: () => 0,
      modelList: [
        deployment("g", "a", { rpm: 6 }),
        deployment("g", "b", { rpm: 6 }),
        deployment("h", "c", { rpm: 3 }),
      ],
    };
    const first = new Router(options);
    const second = new Router(options);
    const calls = Array.from({ length: 30 }, (_, index) =>
      (index % 2 === 0 ? first : second).completion({ model: index < 20 ? "g" : "h", messages }),
    );
    await Promise.allSettled(calls);
    expect(seenBy("a")).toBe(6);
    expect(seenBy("b")).toBe(6);
    expect(seenBy("c")).toBe(3);
    // A 429 seen through one router cools the deployment for the other.
    const cooling = new Router({
      ...options,
      modelList: [deployment("k", "d"), deployment("k", "e")],
    });
    const watching = new Router({
      ...options,
      modelList: [deployment("k", "d"), deployment("k", "e")],
    });
    throttled.add("d");
    await cooling.completion({ model: "k", messages });
    expect(
      await eventually(async () =>
        (await watching.cooldowns()).some((cooldown) => cooldown.id === "d"),
      ),
    ).toBe(true);
    server.requests.length = 0;
    await watching.completion({ model: "k", messages });
    expect(seenBy("d")).toBe(0);
    await cooling.close();
    await watching.close();
    await first.close();
    await second.close();
    await client.close();
  });
});
