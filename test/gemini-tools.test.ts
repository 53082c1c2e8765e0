/**
 * gemini/ tool use over two turns, as rig recorded it against the Gemini API: the model thinks
 * and calls `get_weather` (with a thought signature), the caller sends the call back with its
 * result, the model answers. The signature must go back with the call, or thinking models
 * refuse the second turn.
 */
import { afterEach, beforeEach, describe, expect, expectTypeOf, it, vi } from "vitest";
import { z } from "zod";
import {
  BadRequestError,
  type ChatCompletionMessageFunctionToolCall,
  type ChatCompletionMessageToolCall,
  completion,
  type Message,
  parseToolCalls,
  registerProvider,
  streamChunkBuilder,
  zodTool,
} from "../src/index.js";
import { gemini } from "../src/providers/gemini/gemini-provider.js";
import { fixtureText } from "./fixtures/gemini/load-fixture.js";
import { collect } from "./helpers/collect.js";
import { sendEvents, useTestServer } from "./helpers/server.js";

registerProvider(gemini);

const KEY = "AIzaSy-test-key-not-real-0123456789";
const server = useTestServer();

beforeEach(() => {
  for (const name of ["GEMINI_API_KEY", "GOOGLE_API_KEY", "GEMINI_API_BASE"]) vi.stubEnv(name, "");
});
afterEach(() => vi.unstubAllEnvs());

const options = () => ({ apiKey: KEY, apiBase: server.origin, maxRetries: 0 });

/** The conversation and tool of rig's recorded round trip (README.md). */
const question =
  "I'm planning a trip. What is the current weather in Tokyo, Japan? Based on the weather conditions, should I pack an umbrella or sunscreen? Use the get_weather tool to check before answering.";
const tools = [
  {
    type: "function",
    function: {
      name: "get_weather",
      description: "Get the current weather for a city. Must be called for weather questions.",
      parameters: {
        type: "object",
        properties: { city: { type: "string", description: "City name to get weather for" } },
        required: ["city"],
      },
    },
  },
];

/** Answers the first request with `first` and every later one with `second`, as JSON or events. */
function serveTurns(first: string, second: string): void {
  let turn = 0;
  server.handle((_, response) => {
    const body = fixtureText(turn++ === 0 ? first : second);
    if (first.endsWith(".sse")) {
      sendEvents(response, body);
      return;
    }
    response.writeHead(200, { "content-type": "application/json; charset=UTF-8" });
    response.end(body);
  });
}

/** The function calls of an answer, as an assistant message takes them back. */
function functionCalls(calls: ChatCompletionMessageToolCall[] | undefined) {
  return (calls ?? []).filter(
    (call): call is ChatCompletionMessageFunctionToolCall => call.type === "function",
  );
}

/** The assistant message of turn 1 and the tool's result, as a caller sends them back. */
function secondTurn(toolCalls: ChatCompletionMessageToolCall[], result: string): Message[] {
  const [call] = toolCalls;
  if (call === undefined) throw new Error("turn 1 made no tool call");
  return [
    { role: "user", content: question },
    { role: "assistant", content: null, tool_calls: functionCalls(toolCalls) },
    { role: "tool", tool_call_id: call.id, content: result },
  ];
}

describe("gemini/ tool use over two turns", () => {
  it.each([
    ["answers", "tool-thinking-turn1.body", "tool-thinking-turn2.body"],
    ["streams", "tool-thinking-turn1.sse", "tool-thinking-turn2.sse"],
  ])(
    "%s: the call goes back with its thought signature and id, the result as functionResponse",
    async (_, first, second) => {
      serveTurns(first, second);
      const stream = first.endsWith(".sse");
      const call = {
        model: "gemini/gemini-2.5-flash",
        tools,
        reasoning_effort: "high",
        ...options(),
      };
      const turn1 = stream
        ? streamChunkBuilder(
            await collect(
              await completion({
                ...call,
                messages: [{ role: "user", content: question }],
                stream: true,
              }),
            ),
          )
        : await completion({ ...call, messages: [{ role: "user", content: question }] });
      const toolCalls = turn1.choices[0]?.message.tool_calls ?? [];
      expect(turn1.choices[0]?.finish_reason).toBe("tool_calls");
      expect(toolCalls).toHaveLength(1);
      const [toolCall] = toolCalls;
      const city = stream ? "Tokyo, Japan" : "Tokyo";
      expect(toolCall).toMatchObject({
        type: "function",
        function: { name: "get_weather", arguments: JSON.stringify({ city }) },
        extra_content: { google: { thought_signature: "signature_REDACTED_1" } },
      });

      const result = `Weather in ${city}: 72F (22C), sunny with light clouds, humidity 45%, wind 8 mph NW`;
      const turn2 = stream
        ? streamChunkBuilder(
            await collect(
              await completion({ ...call, messages: secondTurn(toolCalls, result), stream: true }),
            ),
          )
        : await completion({ ...call, messages: secondTurn(toolCalls, result) });
      expect(turn2.choices[0]?.message.content).toMatch(/sunscreen/);
      expect(turn2.choices[0]?.finish_reason).toBe("stop");

      const sent = server.requests.at(-1)?.json;
      expect(sent?.contents).toEqual([
        { role: "user", parts: [{ text: question }] },
        {
          role: "model",
          parts: [
            {
              functionCall: { id: toolCall?.id, name: "get_weather", args: { city } },
              thoughtSignature: "signature_REDACTED_1",
            },
          ],
        },
        {
          role: "user",
          parts: [
            {
              functionResponse: {
                id: toolCall?.id,
                name: "get_weather",
                response: { content: result },
              },
            },
          ],
        },
      ]);
      expect(sent?.tools).toEqual([
        {
          functionDeclarations: [
            {
              name: "get_weather",
              description: tools[0]?.function.description,
              parametersJsonSchema: tools[0]?.function.parameters,
            },
          ],
        },
      ]);
    },
  );

  it("parallel calls: both calls in one model turn, both results in one user turn, in order", async () => {
    serveTurns("parallel-tool-calls.body", "parallel-tool-calls.body");
    const messages: Message[] = [{ role: "user", content: "Compute 3 + 4 and 10 - 2." }];
    const turn1 = await completion({ model: "gemini/gemini-2.5-flash", messages, ...options() });
    const calls = turn1.choices[0]?.message.tool_calls ?? [];
    const [add, subtract] = calls;
    await completion({
      model: "gemini/gemini-2.5-flash",
      messages: [
        ...messages,
        { role: "assistant", content: "Calling both.", tool_calls: functionCalls(calls) },
        { role: "tool", tool_call_id: add?.id ?? "", content: '{"result": 7}' },
        { role: "tool", tool_call_id: subtract?.id ?? "", content: [{ type: "text", text: "8" }] },
        { role: "user", content: "Thanks" },
      ],
      ...options(),
    });
    expect(server.requests.at(-1)?.json?.contents).toEqual([
      { role: "user", parts: [{ text: "Compute 3 + 4 and 10 - 2." }] },
      {
        role: "model",
        parts: [
          { text: "Calling both." },
          {
            functionCall: { id: add?.id, name: "add", args: { x: 3, y: 4 } },
            thoughtSignature: "signature_REDACTED_1",
          },
          { functionCall: { id: subtract?.id, name: "subtract", args: { x: 10, y: 2 } } },
        ],
      },
      {
        role: "user",
        parts: [
          { functionResponse: { id: add?.id, name: "add", response: { result: 7 } } },
          { functionResponse: { id: subtract?.id, name: "subtract", response: { content: "8" } } },
          { text: "Thanks" },
        ],
      },
    ]);
  });

  const unknownCall: Message[] = [{ role: "tool", tool_call_id: "call_missing", content: "42" }];
  const arrayArguments: Message[] = [
    {
      role: "assistant",
      content: null,
      tool_calls: [{ id: "c1", type: "function", function: { name: "add", arguments: "[1,2]" } }],
    },
  ];
  it.each([
    [
      "a tool result whose call is unknown",
      unknownCall,
      /`messages\[1\]\.tool_call_id` "call_missing" is the id of no tool call/,
    ],
    [
      "arguments that are not a JSON object",
      arrayArguments,
      /`messages\[1\]\.tool_calls\[0\]\.function\.arguments` is not a JSON object/,
    ],
  ])("%s is a BadRequestError naming the field, no request", async (_, more, message) => {
    const call = completion({
      model: "gemini/gemini-2.5-flash",
      messages: [{ role: "user", content: "Hi" }, ...more],
      ...options(),
    });
    await expect(call).rejects.toThrow(BadRequestError);
    await expect(call).rejects.toThrow(message);
    expect(server.requests).toHaveLength(0);
  });
});

describe("gemini/ with zodTool and parseToolCalls", () => {
  const weather = zodTool({
    name: "get_weather",
    description: "Get the current weather for a city. Must be called for weather questions.",
    parameters: z.object({ city: z.string().describe("City name to get weather for") }),
  });

  it("declares the strict schema, parses the recorded call typed, and takes the answer's message back as it is", async () => {
    serveTurns("tool-thinking-turn1.body", "tool-thinking-turn2.body");
    const call = { model: "gemini/gemini-2.5-flash", tools: [weather], ...options() };
    const messages: Message[] = [{ role: "user", content: question }];
    const turn1 = await completion({ ...call, messages });
    const declared = (server.requests[0]?.json as { tools: unknown[] } | undefined)?.tools;
    expect(declared).toEqual([
      {
        functionDeclarations: [
          {
            name: "get_weather",
            description: weather.function.description,
            parametersJsonSchema: weather.function.parameters,
          },
        ],
      },
    ]);
    const [parsed] = parseToolCalls(turn1, [weather]);
    if (parsed === undefined || parsed.error !== undefined) throw new Error("no parsed call");
    expectTypeOf(parsed.arguments).toEqualTypeOf<{ city: string }>();
    expect(parsed.arguments).toEqual({ city: "Tokyo" });

    messages.push(turn1.choices[0]!.message);
    messages.push({ role: "tool", tool_call_id: parsed.id, content: "72F, sunny" });
    const turn2 = await completion({ ...call, messages });
    expect(turn2.choices[0]?.message.content).toMatch(/sunscreen/);
    // The signature went back with the call.
    const sent = server.requests.at(-1)?.json as { contents: { parts: unknown[] }[] };
    expect(sent.contents[1]?.parts[0]).toMatchObject({
      functionCall: { name: "get_weather", args: { city: "Tokyo" } },
      thoughtSignature: "signature_REDACTED_1",
    });
  });
});
