/**
 * node-redis, loaded only when a Router is given a Redis URL: `redis` is an optional peer
 * dependency, so nothing of it loads otherwise. The one module of llmux that imports it.
 */
import { LLMError } from "../errors/errors.js";

type RedisModule = typeof import("redis");

/** `import("redis")`, or an error that says how to install it. */
export async function loadRedis(): Promise<RedisModule> {
  try {
    return await import("redis");
  } catch (cause) {
    throw new LLMError(
      "llmux: a Router with `redis` needs the node-redis package, which is not installed. Install it with `npm install redis` (version 5 or later), or leave `redis` out to keep the router's state in this process.",
      { cause },
    );
  }
}
