// llmux, as built (dist/), with its defaults.
import { completion } from "../../dist/index.js";

export async function createClient(origin) {
  const messages = [{ role: "user", content: "Hi" }];
  return {
    async complete() {
      const response = await completion({
        model: "cometapi/gpt-5",
        messages,
        apiKey: "sk-bench",
        apiBase: `${origin}/v1`,
      });
      return response.choices[0].message.content;
    },
    async stream(chunks) {
      const stream = await completion({
        model: "cometapi/gpt-5",
        messages,
        stream: true,
        apiKey: "sk-bench",
        apiBase: `${origin}/chunks/${chunks}/v1`,
      });
      let count = 0;
      for await (const chunk of stream) if (chunk.choices[0]?.delta.content) count++;
      return count;
    },
    async anthropicStream(chunks) {
      const stream = await completion({
        model: "anthropic/claude-bench",
        messages,
        stream: true,
        apiKey: "sk-bench",
        apiBase: `${origin}/chunks/${chunks}`,
      });
      let count = 0;
      for await (const chunk of stream) if (chunk.choices[0]?.delta.content) count++;
      return count;
    },
    close: async () => {},
  };
}
