// The floor: undici's request() on a keep-alive Agent, eventsource-parser, one JSON.parse per chunk.
import { createParser } from "eventsource-parser";
import { Agent, request } from "undici";

export async function createClient(origin) {
  const dispatcher = new Agent({ keepAliveTimeout: 10_000 });
  const headers = { authorization: "Bearer sk-bench", "content-type": "application/json" };
  const body = (stream) =>
    JSON.stringify({
      model: "gpt-5",
      messages: [{ role: "user", content: "Hi" }],
      ...(stream ? { stream: true, stream_options: { include_usage: true } } : {}),
    });
  return {
    async complete() {
      const response = await request(`${origin}/v1/chat/completions`, {
        method: "POST",
        headers,
        body: body(false),
        dispatcher,
      });
      const json = JSON.parse(await response.body.text());
      return json.choices[0].message.content;
    },
    async stream(chunks) {
      const response = await request(`${origin}/chunks/${chunks}/v1/chat/completions`, {
        method: "POST",
        headers,
        body: body(true),
        dispatcher,
      });
      let count = 0;
      let done = false;
      const decoder = new TextDecoder();
      const parser = createParser({
        onEvent(event) {
          if (event.data === "[DONE]") {
            done = true;
            return;
          }
          const chunk = JSON.parse(event.data);
          if (chunk.choices[0]?.delta.content) count++;
        },
      });
      for await (const bytes of response.body) {
        parser.feed(decoder.decode(bytes, { stream: true }));
        if (done) break;
      }
      return count;
    },
    close: () => dispatcher.close(),
  };
}
