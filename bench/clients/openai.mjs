// The official OpenAI Node SDK.
import OpenAI from "openai";

export async function createClient(origin) {
  const messages = [{ role: "user", content: "Hi" }];
  const client = new OpenAI({ apiKey: "sk-bench", baseURL: `${origin}/v1` });
  const clients = new Map();
  const streamingClient = (chunks) => {
    let streaming = clients.get(chunks);
    if (!streaming) {
      streaming = new OpenAI({ apiKey: "sk-bench", baseURL: `${origin}/chunks/${chunks}/v1` });
      clients.set(chunks, streaming);
    }
    return streaming;
  };
  return {
    async complete() {
      const response = await client.chat.completions.create({ model: "gpt-5", messages });
      return response.choices[0].message.content;
    },
    async stream(chunks) {
      const stream = await streamingClient(chunks).chat.completions.create({
        model: "gpt-5",
        messages,
        stream: true,
        stream_options: { include_usage: true },
      });
      let count = 0;
      for await (const chunk of stream) if (chunk.choices[0]?.delta.content) count++;
      return count;
    },
    close: async () => {},
  };
}
