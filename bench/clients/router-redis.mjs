// llmux's Router with its state on a local Redis (BENCH_REDIS_URL, started by run.mjs): the
// same three deployments as clients/router.mjs. Also counts the Redis round trips per call
// (EVALSHA and EVAL in INFO commandstats, reset before the measured run; the commands a script
// runs inside Redis are counted there too, and are not round trips).
import { createClient as createRedisClient } from "redis";
import { routerClient } from "./router.mjs";

export async function createClient(origin) {
  const url = process.env.BENCH_REDIS_URL;
  if (!url) throw new Error("router-redis needs BENCH_REDIS_URL (run.mjs starts a redis-server)");
  const client = routerClient(origin, { redis: url, redisKeyPrefix: `bench-${process.pid}` });
  const stats = createRedisClient({ url });
  stats.on("error", () => {});
  await stats.connect();
  const commandCalls = async () => {
    const info = await stats.sendCommand(["INFO", "commandstats"]);
    let calls = 0;
    for (const match of String(info).matchAll(/^cmdstat_(\w+):calls=(\d+)/gm)) {
      if (match[1] === "evalsha" || match[1] === "eval") calls += Number(match[2]);
    }
    return calls;
  };
  return {
    complete: client.complete,
    stream: client.stream,
    async beforeRun() {
      await stats.sendCommand(["CONFIG", "RESETSTAT"]);
    },
    async afterRun(ops) {
      // Let the releases nobody waits for land before counting.
      await new Promise((resolve) => setTimeout(resolve, 200));
      return { redisRoundTripsPerOp: (await commandCalls()) / ops };
    },
    close: async () => {
      await client.close();
      await stats.close();
    },
  };
}
