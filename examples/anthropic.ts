/**
 * Claude through Anthropic's own Messages API, in OpenAI's shape: a completion, then a stream
 * that thinks first. With ANTHROPIC_API_KEY it talks to Anthropic; with COMETAPI_KEY to
 * CometAPI's native Anthropic endpoint; else to a local stand-in.
 */
import {
  type ClientOptions,
  completion,
  createAnthropicProvider,
  registerProvider,
} from "../src/index.js";
import { LOCAL_ANTHROPIC_KEY, startLocalAnthropic } from "./local-anthropic-server.js";

let model = "anthropic/claude-haiku-4-5";
let options: ClientOptions = {};
let close = async () => {};
if (process.env.ANTHROPIC_API_KEY) {
  // anthropic/ is built in: ANTHROPIC_API_KEY, https://api.anthropic.com
} else if (process.env.COMETAPI_KEY) {
  registerProvider(
    createAnthropicProvider({
      id: "cometapi-claude",
      defaultApiBase: "https://api.cometapi.com",
      apiKeyEnv: ["COMETAPI_KEY"],
    }),
  );
  model = "cometapi-claude/claude-haiku-4-5-20251001";
} else {
  const local = await startLocalAnthropic();
  options = { apiKey: LOCAL_ANTHROPIC_KEY, apiBase: local.apiBase };
  close = local.close;
}

const response = await completion({
  model,
  messages: [
    { role: "system", content: "Answer in one short sentence." },
    { role: "user", content: "Say hello in five words." },
  ],
  ...options,
});
console.log(response.choices[0]?.message.content);

const stream = await completion({
  model,
  messages: [{ role: "user", content: "Count from one to five." }],
  reasoning_effort: "low", // a thinking budget of 1024 tokens
  stream: true,
  ...options,
});
for await (const chunk of stream) {
  const delta = chunk.choices[0]?.delta;
  if (delta?.reasoning_content) process.stdout.write(`(thinking: ${delta.reasoning_content}) `);
  process.stdout.write(delta?.content ?? "");
  if (chunk.usage) console.log(`\nusage ${JSON.stringify(chunk.usage)}`);
}
await close();
