/**
 * A tool loop: the model asks for a tool, the app runs it, the model answers. Against a local
 * stand-in started here (it asks for `get_weather`, then answers from the tool's result), so it
 * runs without a key or network.
 */
import { once } from "node:events";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { z } from "zod";
import { completion, type Message, parseToolCalls, zodTool } from "../src/index.js";

const weather = zodTool({
  name: "get_weather",
  description: "The current weather in a city",
  parameters: z.object({ city: z.string(), unit: z.enum(["C", "F"]).optional() }),
});

const getWeather = (city: string, unit = "C") => ({ city, temperature: 18, unit, sky: "clear" });

// The stand-in: a tool call while the last message is the user's, else an answer from the tool's.
const server = createServer(async (request, response) => {
  let text = "";
  for await (const chunk of request) text += chunk;
  const messages = (JSON.parse(text) as { messages: Message[] }).messages;
  const last = messages.at(-1);
  const message =
    last?.role === "tool"
      ? {
          role: "assistant",
          content: `It is ${JSON.parse(String(last.content)).temperature} degrees and clear.`,
        }
      : {
          role: "assistant",
          content: null,
          tool_calls: [
            {
              id: "call_1",
              type: "function",
              function: { name: "get_weather", arguments: '{"city":"Paris","unit":null}' },
            },
          ],
        };
  response.writeHead(200, { "content-type": "application/json" });
  response.end(
    JSON.stringify({
      id: "chatcmpl-tools",
      object: "chat.completion",
      created: Math.floor(Date.now() / 1000),
      model: "gpt-5",
      choices: [
        { index: 0, message, finish_reason: message.content === null ? "tool_calls" : "stop" },
      ],
    }),
  );
});
server.listen(0, "127.0.0.1");
await once(server, "listening");
const apiBase = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;

const messages: Message[] = [{ role: "user", content: "What's the weather in Paris?" }];
for (let turn = 0; turn < 5; turn++) {
  const response = await completion({
    model: "openai/gpt-5",
    messages,
    tools: [weather],
    apiKey: "sk-local",
    apiBase,
  });
  const message = response.choices[0]?.message;
  const calls = parseToolCalls(response, [weather]);
  if (calls.length === 0) {
    console.log(message?.content);
    break;
  }
  if (message !== undefined) messages.push(message);
  for (const call of calls) {
    const content = call.error
      ? `Error: ${call.error.message}`
      : JSON.stringify(getWeather(call.arguments.city, call.arguments.unit));
    console.log(`tool ${call.name}(${JSON.stringify(call.arguments)}) -> ${content}`);
    messages.push({ role: "tool", tool_call_id: call.id, content });
  }
}
server.close();
