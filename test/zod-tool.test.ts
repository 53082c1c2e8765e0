import { describe, expect, it } from "vitest";
import { z } from "zod";
import { completion } from "../src/calls/completion.js";
import { BadRequestError, LLMError, OutputParseError } from "../src/errors/errors.js";
import { parseToolCalls } from "../src/structured/parse-tool-calls.js";
import { zodTool } from "../src/structured/zod-tool.js";
import type { ChatCompletionMessage } from "../src/types.js";
import { chatCompletionBody } from "./helpers/fixtures.js";
import { sendJson, useTestServer } from "./helpers/server.js";

const server = useTestServer();

const weather = zodTool({
  name: "get_weather",
  description: "The weather in a city",
  parameters: z.object({ city: z.string(), unit: z.enum(["C", "F"]).optional() }),
});
const search = zodTool({ name: "search", parameters: z.object({ query: z.string().min(1) }) });

const toolCall = (id: string, name: string, args: string) => ({
  id,
  type: "function" as const,
  function: { name, arguments: args },
});
const message = (toolCalls: ChatCompletionMessage["tool_calls"]): ChatCompletionMessage => ({
  role: "assistant",
  content: null,
  tool_calls: toolCalls,
});

describe("zodTool()", () => {
  it("makes a strict OpenAI function tool, and keeps its schema out of the JSON", () => {
    expect(JSON.parse(JSON.stringify(weather))).toEqual({
      type: "function",
      function: {
        name: "get_weather",
        description: "The weather in a city",
        parameters: {
          type: "object",
          properties: {
            city: { type: "string" },
            unit: { anyOf: [{ type: "string", enum: ["C", "F"] }, { type: "null" }] },
          },
          required: ["city", "unit"],
          additionalProperties: false,
        },
        strict: true,
      },
    });
  });

  it("refuses a schema strict mode cannot express, naming the tool and the path", () => {
    expect(() =>
      zodTool({ name: "t", parameters: z.object({ bag: z.record(z.string(), z.string()) }) }),
    ).toThrow(BadRequestError);
    expect(() =>
      zodTool({ name: "t", parameters: z.object({ bag: z.record(z.string(), z.string()) }) }),
    ).toThrow('zodTool("t") parameters cannot be sent as a strict JSON schema: `bag` is a record');
  });

  it("is sent as tools, with the strict schema", async () => {
    server.handle((_, response) => sendJson(response, 200, chatCompletionBody("ok")));
    await completion({
      model: "openai/gpt-5",
      messages: [{ role: "user", content: "Hi" }],
      tools: [weather],
      apiKey: "k",
      apiBase: server.apiBase,
    });
    const seen = await server.nextRequest();
    expect(seen.json?.tools).toEqual([JSON.parse(JSON.stringify(weather))]);
  });
});

describe("parseToolCalls()", () => {
  it("parses valid arguments, turning an optional null back into a missing key", () => {
    const calls = parseToolCalls(
      message([toolCall("call_1", "get_weather", '{"city":"Paris","unit":null}')]),
      [weather, search],
    );
    expect(calls).toEqual([{ id: "call_1", name: "get_weather", arguments: { city: "Paris" } }]);
  });

  it("reports invalid arguments, JSON errors and unknown tools per call, without throwing", () => {
    const calls = parseToolCalls(
      message([
        toolCall("call_1", "search", '{"query":""}'),
        toolCall("call_2", "get_weather", '{"city":'),
        toolCall("call_3", "send_email", "{}"),
        toolCall("call_4", "search", '{"query":"llmux"}'),
      ]),
      [weather, search],
    );
    expect(calls.map((call) => [call.id, call.error?.constructor])).toEqual([
      ["call_1", OutputParseError],
      ["call_2", OutputParseError],
      ["call_3", OutputParseError],
      ["call_4", undefined],
    ]);
    expect(calls[0]?.error?.issues.map((issue) => issue.path)).toEqual([["query"]]);
    expect(calls[1]?.error?.message).toContain("is not JSON");
    expect(calls[1]?.error?.text).toBe('{"city":');
    expect(calls[2]?.error?.message).toContain(
      "`send_email` (call call_3), which is not among the tools given (`get_weather`, `search`)",
    );
    expect(calls[3]?.arguments).toEqual({ query: "llmux" });
  });

  it("reads the first choice of a response", async () => {
    server.handle((_, response) =>
      sendJson(response, 200, {
        ...chatCompletionBody(""),
        choices: [
          {
            index: 0,
            finish_reason: "tool_calls",
            message: {
              role: "assistant",
              content: null,
              tool_calls: [toolCall("c", "search", '{"query":"x"}')],
            },
          },
        ],
      }),
    );
    const response = await completion({
      model: "openai/gpt-5",
      messages: [{ role: "user", content: "Hi" }],
      tools: [search],
      apiKey: "k",
      apiBase: server.apiBase,
    });
    const [call] = parseToolCalls(response, [search]);
    expect(call?.error).toBeUndefined();
    expect(call?.arguments).toEqual({ query: "x" });
  });

  it("needs zod's classic API", async () => {
    const mini = await import("zod/mini");
    expect(() =>
      zodTool({ name: "t", parameters: mini.object({ a: mini.string() }) as unknown as z.ZodType }),
    ).toThrow(LLMError);
    expect(() =>
      zodTool({ name: "t", parameters: mini.object({ a: mini.string() }) as unknown as z.ZodType }),
    ).toThrow('zodTool("t") parameters must be a schema of zod\'s classic API');
  });
});
