/**
 * gemini/: Google's Gemini API behind the same call and the same OpenAI-shaped answer. With
 * GEMINI_API_KEY (or GOOGLE_API_KEY) set it calls Gemini; otherwise a local stand-in.
 */
import { completion } from "../src/index.js";
import { LOCAL_GEMINI_KEY, startLocalGemini } from "./local-gemini-server.js";

const hasKey = Boolean(process.env.GEMINI_API_KEY || process.env.GOOGLE_API_KEY);
const local = hasKey ? undefined : await startLocalGemini();
const options = local === undefined ? {} : { apiKey: LOCAL_GEMINI_KEY, apiBase: local.apiBase };
const model = "gemini/gemini-flash-latest";

const response = await completion({
  model,
  messages: [{ role: "user", content: "Say hello in five words." }],
  ...options,
});
console.log(response.choices[0]?.message.content);
console.log(`usage ${JSON.stringify(response.usage)}`);

const stream = await completion({
  model,
  messages: [{ role: "user", content: "Count from one to five." }],
  stream: true,
  ...options,
});
for await (const chunk of stream) process.stdout.write(chunk.choices[0]?.delta.content ?? "");
console.log();
await local?.close();
