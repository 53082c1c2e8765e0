// The Vercel AI SDK with `@ai-sdk/anthropic` (`streamText`), on the Anthropic-protocol stream only.
import { createAnthropic } from "@ai-sdk/anthropic";
import { streamText } from "ai";

export async function createClient(origin) {
  return {
    async anthropicStream(chunks) {
      const anthropic = createAnthropic({
        apiKey: "sk-bench",
        baseURL: `${origin}/chunks/${chunks}/v1`,
      });
      const result = streamText({
        model: anthropic("claude-bench"),
        messages: [{ role: "user", content: "Hi" }],
      });
      let count = 0;
      for await (const part of result.fullStream) if (part.type === "text-delta") count++;
      return count;
    },
    close: async () => {},
  };
}
