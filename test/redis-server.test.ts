import { spawn } from "node:child_process";
import { once } from "node:events";
import { connect } from "node:net";
import { fileURLToPath } from "node:url";
import { createClient, createCluster } from "redis";
import { afterEach, expect, it } from "vitest";
import {
  describeWithRedis,
  type RedisProcess,
  startRedis,
  startRedisCluster,
} from "./helpers/redis-server.js";

const describeRedis = describeWithRedis();

/** Whether something accepts TCP connections on the loopback port. */
function listening(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ port, host: "127.0.0.1" });
    socket.once("connect", () => {
      socket.destroy();
      resolve(true);
    });
    socket.once("error", () => resolve(false));
  });
}

describeRedis("startRedis", () => {
  const started: RedisProcess[] = [];
  const start = async (options?: { port: number }) => {
    const redis = await startRedis(options);
    started.push(redis);
    return redis;
  };
  afterEach(async () => {
    await Promise.all(started.splice(0).map((redis) => redis.stop()));
  });

  it("starts a server that answers PING through node-redis, and stop() ends it", async () => {
    const redis = await start();
    expect(redis.url).toBe(`redis://127.0.0.1:${redis.port}`);
    const client = await createClient({ url: redis.url }).connect();
    expect(await client.ping()).toBe("PONG");
    expect(await client.configGet("save")).toEqual({ save: "" });
    client.destroy();

    await redis.stop();
    expect(await listening(redis.port)).toBe(false);
  });

  it("kill() ends it at once; restart() serves again on the same port and a client reconnects", async () => {
    const redis = await start();
    const client = createClient({ url: redis.url, socket: { reconnectStrategy: () => 20 } });
    client.on("error", () => {}); // the reconnect loop reports each refused connection
    await client.connect();
    await client.set("key", "before");
    const firstPid = redis.pid;

    await redis.kill();
    expect(await listening(redis.port)).toBe(false);
    await redis.restart();

    expect(redis.pid).not.toBe(firstPid);
    expect(await client.ping()).toBe("PONG");
    expect(await client.get("key")).toBeNull(); // nothing persisted across the restart
    client.destroy();
  });

  it("rejects with the server's output when it cannot start", async () => {
    const redis = await start();
    await expect(startRedis({ port: redis.port })).rejects.toThrow(/Address already in use/);
  });

  it.each([
    { endsBy: "exit", code: 0, signal: null, script: "process.exit(0);" },
    // What vitest does to a worker when its files are done.
    {
      endsBy: "SIGTERM",
      code: null,
      signal: "SIGTERM",
      script: "process.kill(process.pid, 'SIGTERM'); setInterval(() => {}, 1000);",
    },
  ])("stops its servers when the test process ends by $endsBy", async (ending) => {
    const helper = fileURLToPath(new URL("./helpers/redis-server.ts", import.meta.url));
    const script = `
      const { startRedis } = await import(${JSON.stringify(helper)});
      console.log((await startRedis()).port);
      ${ending.script}`;
    const child = spawn(
      process.execPath,
      ["--import", "tsx", "--input-type=module", "-e", script],
      {
        stdio: ["ignore", "pipe", "inherit"],
      },
    );
    let stdout = "";
    child.stdout.on("data", (data: Buffer) => {
      stdout += data.toString("utf8");
    });
    expect(await once(child, "exit")).toEqual([ending.code, ending.signal]);
    const port = Number(stdout.trim());
    expect(port).toBeGreaterThan(0);
    // The SIGKILL was sent as the process ended; the server may take a moment to die of it.
    await expect.poll(() => listening(port), { timeout: 2_000 }).toBe(false);
  });
});

describeRedis("startRedisCluster", () => {
  it("starts three masters that node-redis's cluster client writes to across slots", async () => {
    const cluster = await startRedisCluster();
    try {
      expect(cluster.nodes).toHaveLength(3);
      const client = await createCluster({ rootNodes: [...cluster.rootNodes] }).connect();
      // {a} and {b} hash to slots 15495 and 3300, held by different masters.
      await client.set("{a}key", "1");
      await client.set("{b}key", "2");
      expect(await client.get("{a}key")).toBe("1");
      expect(await client.get("{b}key")).toBe("2");
      client.destroy();

      const keysPerNode = await Promise.all(
        cluster.nodes.map(async ({ host, port }) => {
          const node = await createClient({ socket: { host, port } }).connect();
          const keys = await node.dbSize();
          node.destroy();
          return keys;
        }),
      );
      expect(keysPerNode.sort()).toEqual([0, 1, 1]);
    } finally {
      await cluster.stop();
    }
    for (const node of cluster.nodes) expect(await listening(node.port)).toBe(false);
  });
});
