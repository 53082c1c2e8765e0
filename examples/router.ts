/**
 * The Router: one name ("smart") for a group of deployments, retries across them, a fallback to
 * another group ("fast"), cooldowns. Both deployments of "smart" fail on purpose, so that one run
 * shows it all. Against CometAPI when COMETAPI_KEY is set; otherwise against a local stand-in.
 */
import type { HiddenParams } from "../src/index.js";
import { Router } from "../src/index.js";
import { LOCAL_API_KEY, startLocalCometAPI } from "./local-cometapi-server.js";

const hasKey = Boolean(process.env.COMETAPI_KEY || process.env.COMETAPI_API_KEY);
const local = hasKey ? undefined : await startLocalCometAPI();
// With a key llmux reads COMETAPI_KEY itself; without one, every deployment uses the stand-in.
const connection = local ? { apiKey: LOCAL_API_KEY, apiBase: local.apiBase } : {};
const smart = { model: "cometapi/gpt-5", ...connection };

const router = new Router({
  modelList: [
    // Nothing listens on 127.0.0.1:9: the connection is refused.
    {
      modelName: "smart",
      id: "smart-unreachable",
      params: { ...smart, apiBase: "http://127.0.0.1:9/v1" },
    },
    // The stand-in's /overloaded path answers 503; CometAPI answers a revoked key with 401.
    local
      ? {
          modelName: "smart",
          id: "smart-overloaded",
          params: { ...smart, apiBase: local.overloadedApiBase },
        }
      : { modelName: "smart", id: "smart-revoked-key", params: { ...smart, apiKey: "sk-revoked" } },
    {
      modelName: "fast",
      id: "fast",
      params: { model: process.env.LLMUX_DEMO_MODEL ?? "cometapi/gpt-4o-mini", ...connection },
    },
  ],
  fallbacks: { smart: ["fast"] }, // when "smart" has failed, try "fast"
  allowedFails: 0, // cool a deployment down at its first failure (by default, after 3 a minute)
});

/** Where a call went: every answer, stream and error through a Router carries it. */
const whereItWent = ({ deployment, attempts, fallbacks }: HiddenParams) =>
  JSON.stringify({ deployment, attempts, fallbacks });

console.log('1. router.completion({ model: "smart" })');
const response = await router.completion({
  model: "smart",
  messages: [{ role: "user", content: "Say hello in five words." }],
});
console.log(`   ${response.choices[0]?.message.content}`);
console.log(`   ${whereItWent(response._hidden_params)}\n`);

// The deployments of "smart" that failed are cooling down: the router skips them.
console.log('2. router.completion({ model: "smart", stream: true })');
const stream = await router.completion({
  model: "smart",
  messages: [{ role: "user", content: "Count from one to five." }],
  stream: true,
});
process.stdout.write("   ");
for await (const chunk of stream) process.stdout.write(chunk.choices[0]?.delta.content ?? "");
console.log(`\n   ${whereItWent(stream._hidden_params)}\n`);

console.log("3. await router.cooldowns()");
for (const { id, until, reason } of await router.cooldowns()) {
  console.log(`   ${id}: ${reason}, for ${Math.ceil((until - Date.now()) / 1000)} s more`);
}

await router.close();
await local?.close();
