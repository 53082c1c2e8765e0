// The Vercel AI SDK with its OpenAI-compatible provider.
import { createOpenAICompatible } from "@ai-sdk/openai-compatible";
import { generateText, streamText } from "ai";

export async function createClient(origin) {
  const messages = [{ role: "user", content: "Hi" }];
  const provider = createOpenAICompatible({
    name: "bench",
    apiKey: "sk-bench",
    baseURL: `${origin}/v1`,
    includeUsage: true,
  });
  const providers = new Map();
  const streamingProvider = (chunks) => {
    let streaming = providers.get(chunks);
    if (!streaming) {
      streaming = createOpenAICompatible({
        name: "bench",
        apiKey: "sk-bench",
        baseURL: `${origin}/chunks/${chunks}/v1`,
        includeUsage: true,
      });
      providers.set(chunks, streaming);
    }
    return streaming;
  };
  return {
    async complete() {
      const result = await generateText({ model: provider("gpt-5"), messages });
      return result.text;
    },
    async stream(chunks) {
      const result = streamText({ model: streamingProvider(chunks)("gpt-5"), messages });
      let count = 0;
      for await (const part of result.fullStream)
        if (part.type === "text-delta" && part.text) count++;
      return count;
    },
    close: async () => {},
  };
}
