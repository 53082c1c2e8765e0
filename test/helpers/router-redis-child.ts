/**
 * A second process sharing a Router's state on Redis: makes `calls` concurrent calls to group
 * "g" through a Router like the test's, and prints how many succeeded and how many found no
 * deployment, as JSON. Usage: node --import tsx router-redis-child.ts <redis url> <apiBase> <calls> <prefix>
 */
import { createClient } from "redis";
import { NoDeploymentAvailableError, Router } from "../../src/index.js";

const [redis, apiBase, calls, redisKeyPrefix] = process.argv.slice(2) as [
  string,
  string,
  string,
  string,
];
// A client connected before the burst: a router given a URL may still be connecting when the
// first calls come (they then go on with state in this process).
const client = createClient({ url: redis });
client.on("error", () => {});
await client.connect();
const router = new Router({
  redis: client,
  redisKeyPrefix,
  modelList: [
    { modelName: "g", id: "a", params: { model: "openai_compatible/m", apiBase }, rpm: 10 },
  ],
});
const results = await Promise.allSettled(
  Array.from({ length: Number(calls) }, () =>
    router.completion({ model: "g", messages: [{ role: "user", content: "Hi" }] }),
  ),
);
const ok = results.filter((result) => result.status === "fulfilled").length;
const limited = results.filter(
  (result) => result.status === "rejected" && result.reason instanceof NoDeploymentAvailableError,
).length;
await router.close();
await client.close();
process.stdout.write(`${JSON.stringify({ ok, limited })}\n`);
