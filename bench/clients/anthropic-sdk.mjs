// The official Anthropic SDK (`@anthropic-ai/sdk`), on the Anthropic-protocol stream only.
import Anthropic from "@anthropic-ai/sdk";

export async function createClient(origin) {
  const clients = new Map();
  const clientFor = (chunks) => {
    let client = clients.get(chunks);
    if (!client) {
      client = new Anthropic({ apiKey: "sk-bench", baseURL: `${origin}/chunks/${chunks}` });
      clients.set(chunks, client);
    }
    return client;
  };
  return {
    async anthropicStream(chunks) {
      const stream = await clientFor(chunks).messages.create({
        model: "claude-bench",
        max_tokens: 4096,
        messages: [{ role: "user", content: "Hi" }],
        stream: true,
      });
      let count = 0;
      for await (const event of stream) {
        if (event.type === "content_block_delta" && event.delta.type === "text_delta") count++;
      }
      return count;
    },
    close: async () => {},
  };
}
