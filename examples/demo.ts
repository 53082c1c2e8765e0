/**
 * `npm run demo`: a short tour of llmux: a completion, a stream, and a caught typed error.
 * Against CometAPI when COMETAPI_KEY is set; otherwise against a local stand-in it starts itself.
 */

import type { ModelResponseStream } from "../src/index.js";
import { AuthenticationError, completion, streamChunkBuilder } from "../src/index.js";
import { LOCAL_API_KEY, startLocalCometAPI } from "./local-cometapi-server.js";

const realKey = process.env.COMETAPI_KEY || process.env.COMETAPI_API_KEY;
const local = realKey ? undefined : await startLocalCometAPI();
const options = local ? { apiKey: LOCAL_API_KEY, apiBase: local.apiBase } : {};
const model = process.env.LLMUX_DEMO_MODEL ?? "cometapi/gpt-4o-mini";

console.log(
  local
    ? `No COMETAPI_KEY: using a local CometAPI stand-in at ${local.apiBase}\n`
    : `Using CometAPI with ${model}\n`,
);

try {
  console.log("1. completion()");
  const response = await completion({
    model,
    messages: [{ role: "user", content: "Say hello in five words." }],
    max_tokens: 50,
    ...options,
  });
  console.log(`   ${response.choices[0]?.message.content}`);
  console.log(
    `   usage: ${JSON.stringify(response.usage)}  request id: ${response._hidden_params.requestId}\n`,
  );

  console.log("2. completion({ stream: true })");
  const stream = await completion({
    model,
    messages: [{ role: "user", content: "Count from one to five." }],
    stream: true,
    ...options,
  });
  const chunks: ModelResponseStream[] = [];
  process.stdout.write("   ");
  for await (const chunk of stream) {
    chunks.push(chunk);
    process.stdout.write(chunk.choices[0]?.delta.content ?? "");
  }
  const rebuilt = streamChunkBuilder(chunks);
  console.log(
    `\n   ${chunks.length} chunks; finish_reason ${rebuilt.choices[0]?.finish_reason}; usage ${JSON.stringify(rebuilt.usage)}\n`,
  );

  console.log("3. a typed error: a wrong API key");
  try {
    await completion({
      model,
      messages: [{ role: "user", content: "Hi" }],
      ...options,
      apiKey: "sk-not-a-real-key",
    });
  } catch (error) {
    if (error instanceof AuthenticationError) {
      console.log(
        `   caught ${error.name} (status ${error.status}, retryable ${error.isRetryable}):`,
      );
      console.log(`   ${error.message}`);
    } else {
      throw error;
    }
  }
} finally {
  await local?.close();
}
