// llmux's Router, as built (dist/): one group of three deployments, in-process state, the
// default strategy. What it adds to a plain completion() is the routing on each call.
import { Router } from "../../dist/index.js";

export async function createClient(origin) {
  return routerClient(origin, {});
}

/** A client over a Router of the three deployments; `options` adds to the Router's options. */
export function routerClient(origin, options) {
  const messages = [{ role: "user", content: "Hi" }];
  const deployment = (id) => ({
    modelName: "smart",
    id,
    params: { model: "cometapi/gpt-5", apiKey: "sk-bench", apiBase: `${origin}/v1` },
  });
  const router = new Router({
    modelList: [deployment("a"), deployment("b"), deployment("c")],
    ...options,
  });
  return {
    async complete() {
      const response = await router.completion({ model: "smart", messages });
      return response.choices[0].message.content;
    },
    async stream(chunks) {
      const stream = await router.completion({
        model: "smart",
        messages,
        stream: true,
        apiBase: `${origin}/chunks/${chunks}/v1`,
      });
      let count = 0;
      for await (const chunk of stream) if (chunk.choices[0]?.delta.content) count++;
      return count;
    },
    close: () => router.close(),
  };
}
