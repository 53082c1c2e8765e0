/** Adding an OpenAI-compatible provider at run time: here a local server plays OpenRouter. */
import { completion, createOpenAICompatibleProvider, registerProvider } from "../src/index.js";
import { LOCAL_API_KEY, startLocalCometAPI } from "./local-cometapi-server.js";

const local = await startLocalCometAPI();

registerProvider(
  createOpenAICompatibleProvider({
    id: "openrouter",
    defaultApiBase: local.apiBase, // really: "https://openrouter.ai/api/v1"
    apiKeyEnv: ["OPENROUTER_API_KEY"],
  }),
);

const response = await completion({
  model: "openrouter/anthropic/claude-sonnet-4",
  messages: [{ role: "user", content: "Hi" }],
  apiKey: LOCAL_API_KEY,
});
console.log(response.choices[0]?.message.content);
await local.close();
