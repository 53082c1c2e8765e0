/**
 * `npm run demo`: a short tour of llmux: a completion, a stream, a caught typed error, and a
 * Router falling back from a deployment that is down.
 * Against CometAPI when COMETAPI_KEY is set; otherwise against a local stand-in it starts itself.
 */

import type { ModelResponseStream } from "../src/index.js";
import {
  APIConnectionError,
  AuthenticationError,
  completion,
  LLMError,
  PermissionDeniedError,
  Router,
  streamChunkBuilder,
  TimeoutError,
} from "../src/index.js";
import { LOCAL_API_KEY, startLocalCometAPI } from "./local-cometapi-server.js";

const realKey = process.env.COMETAPI_KEY || process.env.COMETAPI_API_KEY;
const local = realKey ? undefined : await startLocalCometAPI();
// Against CometAPI, 15 s a request and one retry: llmux's defaults (10 minutes, 2 retries) suit
// long answers, but a machine that cannot reach CometAPI should hear so within half a minute.
const options = local
  ? { apiKey: LOCAL_API_KEY, apiBase: local.apiBase }
  : { timeout: 15_000, maxRetries: 1 };
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

  console.log('\n4. a Router: "smart" is down, so the call falls back to "fast"');
  const router = new Router({
    modelList: [
      // Nothing listens on 127.0.0.1:9: every request to this deployment is refused.
      {
        modelName: "smart",
        id: "smart-down",
        params: { model, ...options, apiBase: "http://127.0.0.1:9/v1" },
      },
      { modelName: "fast", id: "fast", params: { model, ...options } },
    ],
    fallbacks: { smart: ["fast"] },
  });
  const routed = await router.completion({
    model: "smart",
    messages: [{ role: "user", content: "Say hello through the router." }],
  });
  const { deployment, attempts, fallbacks } = routed._hidden_params;
  console.log(`   ${routed.choices[0]?.message.content}`);
  console.log(
    `   deployment ${deployment?.id} (${deployment?.model}), ${attempts} attempts, fallbacks: ${fallbacks?.join(", ")}`,
  );
} catch (error) {
  // Against the local stand-in a failure is a bug: let it show its stack.
  if (local || !(error instanceof LLMError)) throw error;
  console.error(explain(error));
  process.exitCode = 1;
} finally {
  await local?.close();
}

/** One line for a failure against CometAPI: what failed and the fix (llmux redacts the key). */
function explain(error: LLMError): string {
  const cause = error.message.replace(/\s+/g, " ");
  const orLocal = "or unset COMETAPI_KEY to run against the local stand-in.";
  if (error instanceof AuthenticationError || error instanceof PermissionDeniedError) {
    return `llmux demo: CometAPI refused COMETAPI_KEY (${cause}). Check the key at https://api.cometapi.com/console/token, ${orLocal}`;
  }
  if (error instanceof APIConnectionError || error instanceof TimeoutError) {
    return `llmux demo: could not reach CometAPI (${cause}). Check your network and COMETAPI_KEY, ${orLocal}`;
  }
  return `llmux demo: the call to CometAPI failed (${cause}). Check COMETAPI_KEY and LLMUX_DEMO_MODEL, ${orLocal}`;
}
