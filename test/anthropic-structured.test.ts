/**
 * `responseFormat` and `zodTool` through `anthropic/`: the schema goes out as a tool the model is
 * made to call, and that call's input comes back as the answer's content, parsed. The recorded
 * stream is the AI SDK's own forced-JSON-tool answer (`vercel-anthropic-json-tool.1.chunks.txt`);
 * the AI SDK names that tool `json` where llmux names it `json_tool_call`, so the name is
 * swapped when it is served (the file itself is as recorded).
 */
import { afterEach, beforeEach, describe, expect, expectTypeOf, it, vi } from "vitest";
import { z } from "zod";
import {
  BadRequestError,
  type CompletionParams,
  completion,
  type Message,
  OutputParseError,
  parseToolCalls,
  registerProvider,
  streamChunkBuilder,
  zodTool,
} from "../src/index.js";
import { anthropic } from "../src/providers/anthropic/anthropic-provider.js";
import { RESPONSE_TOOL } from "../src/providers/anthropic/response-tool.js";
import { accumulateMessage, eventsOf, streamBody } from "./fixtures/anthropic/anthropic-wire.js";
import { collect } from "./helpers/collect.js";
import {
  type RecordedRequest,
  sendEvents,
  sendJson,
  splitAt,
  startEvents,
  useTestServer,
  writePieces,
} from "./helpers/server.js";

registerProvider(anthropic);

const KEY = "sk-ant-api03-test-key-structured";
const server = useTestServer();
const messages: Message[] = [{ role: "user", content: "Weather in San Francisco?" }];

beforeEach(() => {
  for (const name of ["ANTHROPIC_API_KEY", "ANTHROPIC_BASE_URL", "ANTHROPIC_API_BASE"]) {
    vi.stubEnv(name, "");
  }
});
afterEach(() => vi.unstubAllEnvs());

/** The shape of the recorded answer. */
const Forecast = z.object({
  elements: z.array(
    z.object({ location: z.string(), temperature: z.number(), condition: z.string() }),
  ),
});
const expected = {
  elements: [{ location: "San Francisco", temperature: 58, condition: "sunny" }],
};

/** A call to the test server, no retries (never streamed: add `stream: true` to stream). */
function call(extra: Partial<CompletionParams> = {}): Omit<CompletionParams, "stream"> {
  return {
    model: "anthropic/claude-haiku-4-5",
    messages,
    apiKey: KEY,
    apiBase: server.origin,
    maxRetries: 0,
    ...extra,
  };
}

/** The recorded stream, its tool renamed to llmux's answer tool. */
const recordedStream = Buffer.from(
  streamBody("vercel-anthropic-json-tool.1.chunks.txt")
    .toString("utf8")
    .replaceAll('"name":"json"', `"name":"${RESPONSE_TOOL}"`),
  "utf8",
);
/** The non-streamed answer of the same content. */
const recordedMessage = accumulateMessage(eventsOf(recordedStream));

function lastRequest(): RecordedRequest {
  const request = server.requests.at(-1);
  if (request === undefined) throw new Error("the server saw no request");
  return request;
}

/** A whole Anthropic stream body: message_start, these events, message_stop. */
function streamOf(events: Record<string, unknown>[]): string {
  const start = {
    type: "message_start",
    message: { id: "msg_s", model: "claude-haiku-4-5", usage: { input_tokens: 1 } },
  };
  return [start, ...events, { type: "message_stop" }]
    .map((event) => `event: ${event.type}\ndata: ${JSON.stringify(event)}\n\n`)
    .join("");
}

/** A `tool_use` Message calling `name` with `input`. */
function toolUseMessage(name: string, input: unknown, id = "toolu_01") {
  return {
    id: "msg_01",
    type: "message",
    role: "assistant",
    model: "claude-haiku-4-5",
    content: [{ type: "tool_use", id, name, input }],
    stop_reason: "tool_use",
    stop_sequence: null,
    usage: { input_tokens: 10, output_tokens: 5 },
  };
}

describe("anthropic/ with responseFormat", () => {
  it("sends the schema as a tool the model is made to call, and no response_format", async () => {
    server.handle((_, response) => sendJson(response, 200, recordedMessage));
    await completion({ ...call(), responseFormat: Forecast });
    const body = lastRequest().json as Record<string, unknown>;
    expect(body.response_format).toBeUndefined();
    expect(body.tool_choice).toEqual({
      type: "tool",
      name: RESPONSE_TOOL,
      disable_parallel_tool_use: true,
    });
    const tools = body.tools as Record<string, unknown>[];
    expect(tools).toHaveLength(1);
    expect(tools[0]).toMatchObject({
      name: RESPONSE_TOOL,
      input_schema: {
        type: "object",
        properties: { elements: { type: "array" } },
        required: ["elements"],
        additionalProperties: false,
      },
    });
    expect(typeof tools[0]?.description).toBe("string");
  });

  it("gives the tool's input as the content, parsed and typed, finishing with stop", async () => {
    server.handle((_, response) => sendJson(response, 200, recordedMessage));
    const response = await completion({ ...call(), responseFormat: Forecast });
    const choice = response.choices[0];
    expect(choice?.message.parsed).toEqual(expected);
    expectTypeOf(choice!.message.parsed).toEqualTypeOf<z.output<typeof Forecast> | null>();
    expect(JSON.parse(choice?.message.content ?? "")).toEqual(expected);
    expect(choice?.message.tool_calls).toBeUndefined();
    expect(choice?.finish_reason).toBe("stop");
    expect(response.usage?.completion_tokens).toBe(47);
  });

  it.each([
    ["whole", [] as number[]],
    ["split inside events", [7, 300, 301, 640, 900]],
  ])(
    "streams the recorded answer (%s) as content chunks, then final() parses",
    async (_, offsets) => {
      server.handle(async (_, response) => {
        startEvents(response);
        await writePieces(response, splitAt(recordedStream, offsets), 1);
        response.end();
      });
      const stream = await completion({ ...call(), stream: true, responseFormat: Forecast });
      const chunks = await collect(stream);
      expect(chunks.some((chunk) => chunk.choices[0]?.delta.tool_calls !== undefined)).toBe(false);
      const text = chunks.map((chunk) => chunk.choices[0]?.delta.content ?? "").join("");
      expect(JSON.parse(text)).toEqual(expected);
      // One content chunk per input_json_delta, as it came (the recording has two non-empty).
      const pieces = chunks.map((chunk) => chunk.choices[0]?.delta.content).filter(Boolean);
      expect(pieces).toEqual([text.slice(0, -1), "}"]);
      const final = await stream.final();
      expect(final.choices[0]?.message.parsed).toEqual(expected);
      expect(final.choices[0]?.finish_reason).toBe("stop");
      // The same answer as the non-streamed one (the stream keeps the model's own spacing).
      server.handle((_, response) => sendJson(response, 200, recordedMessage));
      const whole = await completion({ ...call(), responseFormat: Forecast });
      const rebuilt = streamChunkBuilder(chunks).choices[0]?.message.content ?? "";
      expect(JSON.parse(rebuilt)).toEqual(JSON.parse(whole.choices[0]?.message.content ?? ""));
    },
  );

  it("streams an answer tool whose input came whole at its start", async () => {
    const events = [
      { type: "message_start", message: { id: "msg_1", model: "m", usage: { input_tokens: 1 } } },
      {
        type: "content_block_start",
        index: 0,
        content_block: { type: "tool_use", id: "t", name: RESPONSE_TOOL, input: expected },
      },
      { type: "content_block_stop", index: 0 },
      { type: "message_delta", delta: { stop_reason: "tool_use" }, usage: { output_tokens: 3 } },
      { type: "message_stop" },
    ];
    const body = events.map((e) => `event: ${e.type}\ndata: ${JSON.stringify(e)}\n\n`).join("");
    server.handle((_, response) => sendEvents(response, body));
    const stream = await completion({ ...call(), stream: true, responseFormat: Forecast });
    const final = await stream.final();
    expect(final.choices[0]?.message.parsed).toEqual(expected);
    expect(final.choices[0]?.finish_reason).toBe("stop");
  });

  it("reports an answer that does not match the schema as an OutputParseError", async () => {
    const wrong = toolUseMessage(RESPONSE_TOOL, { elements: [{ location: "SF" }] });
    server.handle((_, response) => sendJson(response, 200, wrong));
    const error = await completion({ ...call(), responseFormat: Forecast }).catch((e) => e);
    expect(error).toBeInstanceOf(OutputParseError);
    expect((error as OutputParseError).text).toBe('{"elements":[{"location":"SF"}]}');
    expect(server.requests).toHaveLength(1);
  });

  it("reports Anthropic's refusal as a refusal (parsed null), not as a parse error", async () => {
    const refusal = {
      ...toolUseMessage(RESPONSE_TOOL, {}),
      content: [],
      stop_reason: "refusal",
    };
    server.handle((_, response) => sendJson(response, 200, refusal));
    const response = await completion({ ...call(), responseFormat: Forecast });
    expect(response.choices[0]?.finish_reason).toBe("content_filter");
    expect(response.choices[0]?.message.parsed).toBeNull();
  });

  it("with tools of the call's own: both go out, any tool must be called; a tool loop ends typed", async () => {
    const weather = zodTool({
      name: "get_weather",
      description: "The weather in a city",
      parameters: z.object({ city: z.string() }),
    });
    let turn = 0;
    server.handle((_, response) =>
      sendJson(
        response,
        200,
        turn++ === 0
          ? toolUseMessage("get_weather", { city: "San Francisco" }, "toolu_weather")
          : recordedMessage,
      ),
    );
    const first = await completion({ ...call(), tools: [weather], responseFormat: Forecast });
    const sent = lastRequest().json as Record<string, unknown>;
    expect(sent.tool_choice).toEqual({ type: "any", disable_parallel_tool_use: true });
    expect((sent.tools as { name: string }[]).map((tool) => tool.name)).toEqual([
      "get_weather",
      RESPONSE_TOOL,
    ]);
    expect((sent.tools as Record<string, unknown>[])[0]?.input_schema).toEqual(
      weather.function.parameters,
    );
    expect(first.choices[0]?.finish_reason).toBe("tool_calls");
    expect(first.choices[0]?.message.parsed).toBeNull();
    const [toolCall] = parseToolCalls(first, [weather]);
    expect(toolCall).toMatchObject({ id: "toolu_weather", arguments: { city: "San Francisco" } });

    const second = await completion({
      ...call(),
      tools: [weather],
      responseFormat: Forecast,
      messages: [
        ...messages,
        first.choices[0]!.message,
        { role: "tool", tool_call_id: "toolu_weather", content: "58F, sunny" },
      ],
    });
    const resent = lastRequest().json as { messages: { role: string; content: unknown }[] };
    expect(resent.messages.at(-1)).toEqual({
      role: "user",
      content: [{ type: "tool_result", tool_use_id: "toolu_weather", content: "58F, sunny" }],
    });
    expect(second.choices[0]?.message.parsed).toEqual(expected);
    expect(second.choices[0]?.finish_reason).toBe("stop");
  });

  it("gives snapshots of the recorded answer through partialObjects()", async () => {
    server.handle((_, response) => sendEvents(response, recordedStream.toString("utf8")));
    const stream = await completion({ ...call(), stream: true, responseFormat: Forecast });
    const snapshots = [];
    for await (const snapshot of stream.partialObjects()) snapshots.push(snapshot);
    // The recording's first delta already holds the whole object; its last ("}") changes nothing.
    expect(snapshots).toEqual([expected]);
    expect((await stream.final()).choices[0]?.message.parsed).toEqual(expected);
  });

  it("gives growing snapshots as the answer tool's input arrives in pieces", async () => {
    const json = JSON.stringify(expected);
    const cuts = [json.indexOf("San"), json.indexOf("58"), json.indexOf("sunny") + 2, json.length];
    const deltas = cuts.map((end, index) => ({
      type: "content_block_delta",
      index: 0,
      delta: { type: "input_json_delta", partial_json: json.slice(cuts[index - 1] ?? 0, end) },
    }));
    const events = streamOf([
      {
        type: "content_block_start",
        index: 0,
        content_block: { type: "tool_use", id: "t", name: RESPONSE_TOOL, input: {} },
      },
      ...deltas,
      { type: "content_block_stop", index: 0 },
      { type: "message_delta", delta: { stop_reason: "tool_use" }, usage: { output_tokens: 9 } },
    ]);
    server.handle((_, response) => sendEvents(response, events));
    const stream = await completion({ ...call(), stream: true, responseFormat: Forecast });
    const snapshots = [];
    for await (const snapshot of stream.partialObjects()) snapshots.push(snapshot);
    expect(snapshots).toEqual([
      { elements: [{ location: "" }] },
      { elements: [{ location: "San Francisco" }] },
      { elements: [{ location: "San Francisco", temperature: 58, condition: "su" }] },
      expected,
    ]);
  });

  it("an answer beside a real tool call (a gateway that ignores the one-call rule) is no answer yet", async () => {
    const both = {
      ...toolUseMessage("get_weather", { city: "SF" }, "toolu_w"),
      content: [
        { type: "tool_use", id: "toolu_w", name: "get_weather", input: { city: "SF" } },
        { type: "tool_use", id: "toolu_a", name: RESPONSE_TOOL, input: expected },
      ],
    };
    const weather = zodTool({ name: "get_weather", parameters: z.object({ city: z.string() }) });
    server.handle((_, response) => sendJson(response, 200, both));
    const response = await completion({ ...call(), tools: [weather], responseFormat: Forecast });
    expect(response.choices[0]?.finish_reason).toBe("tool_calls");
    expect(response.choices[0]?.message.parsed).toBeNull();
    expect(response.choices[0]?.message.tool_calls).toHaveLength(1);

    const events = streamOf([
      { type: "content_block_start", index: 0, content_block: both.content[0] },
      { type: "content_block_stop", index: 0 },
      { type: "content_block_start", index: 1, content_block: both.content[1] },
      { type: "content_block_stop", index: 1 },
      { type: "message_delta", delta: { stop_reason: "tool_use" }, usage: { output_tokens: 3 } },
    ]);
    server.handle((_, response) => sendEvents(response, events));
    const stream = await completion({
      ...call(),
      tools: [weather],
      responseFormat: Forecast,
      stream: true,
    });
    const final = await stream.final();
    expect(final.choices[0]?.finish_reason).toBe("tool_calls");
    expect(final.choices[0]?.message.parsed).toBeNull();
  });

  it("text beside the answer is left out, streamed or not; text without an answer is kept", async () => {
    const withText = streamOf([
      { type: "content_block_start", index: 0, content_block: { type: "text", text: "Sure: " } },
      { type: "content_block_delta", index: 0, delta: { type: "text_delta", text: "here" } },
      { type: "content_block_stop", index: 0 },
      {
        type: "content_block_start",
        index: 1,
        content_block: { type: "tool_use", id: "t", name: RESPONSE_TOOL, input: {} },
      },
      {
        type: "content_block_delta",
        index: 1,
        delta: { type: "input_json_delta", partial_json: JSON.stringify(expected) },
      },
      { type: "content_block_stop", index: 1 },
      { type: "message_delta", delta: { stop_reason: "tool_use" }, usage: { output_tokens: 3 } },
    ]);
    server.handle((_, response) => sendEvents(response, withText));
    const stream = await completion({ ...call(), stream: true, responseFormat: Forecast });
    const streamed = (await stream.final()).choices[0]?.message;
    expect(streamed?.content).toBe(JSON.stringify(expected));
    expect(streamed?.parsed).toEqual(expected);

    server.handle((_, response) =>
      sendJson(response, 200, {
        ...toolUseMessage(RESPONSE_TOOL, expected),
        content: [
          { type: "text", text: "Sure: here" },
          { type: "tool_use", id: "t", name: RESPONSE_TOOL, input: expected },
        ],
      }),
    );
    const whole = (await completion({ ...call(), responseFormat: Forecast })).choices[0]?.message;
    expect(whole?.content).toBe(JSON.stringify(expected));
    expect(whole?.parsed).toEqual(expected);

    const textOnly = streamOf([
      { type: "content_block_start", index: 0, content_block: { type: "text", text: "" } },
      { type: "content_block_delta", index: 0, delta: { type: "text_delta", text: "No." } },
      { type: "content_block_stop", index: 0 },
      { type: "message_delta", delta: { stop_reason: "end_turn" }, usage: { output_tokens: 1 } },
    ]);
    server.handle((_, response) => sendEvents(response, textOnly));
    const chunks = await collect(
      await completion({ ...call(), stream: true, response_format: { type: "json_object" } }),
    );
    const rebuilt = streamChunkBuilder(chunks).choices[0];
    expect(rebuilt?.message.content).toBe("No.");
    expect(rebuilt?.finish_reason).toBe("stop");

    // A server that sends no message_delta: the held text still comes, at message_stop.
    const noDelta = streamOf([
      { type: "content_block_start", index: 0, content_block: { type: "text", text: '{"a":1}' } },
      { type: "content_block_stop", index: 0 },
    ]);
    server.handle((_, response) => sendEvents(response, noDelta));
    const held = await collect(
      await completion({ ...call(), stream: true, response_format: { type: "json_object" } }),
    );
    expect(streamChunkBuilder(held).choices[0]?.message.content).toBe('{"a":1}');
    expect(held.at(-1)?.usage).toBeDefined();
  });

  it("an answer cut by max_tokens is reported as cut, even where what came parses", async () => {
    const cut = { ...toolUseMessage(RESPONSE_TOOL, expected), stop_reason: "max_tokens" };
    server.handle((_, response) => sendJson(response, 200, cut));
    const error = await completion({ ...call(), responseFormat: Forecast }).catch((e) => e);
    expect(error).toBeInstanceOf(OutputParseError);
    expect((error as Error).message).toContain("cut by max_tokens");
    expect((error as OutputParseError).finishReason).toBe("length");
  });

  it('reasoning_effort "none" (no thinking) with responseFormat forces the answer tool', async () => {
    server.handle((_, response) => sendJson(response, 200, recordedMessage));
    const response = await completion({
      ...call(),
      reasoning_effort: "none",
      responseFormat: Forecast,
    });
    const body = lastRequest().json as Record<string, unknown>;
    expect(body.thinking).toBeUndefined();
    expect(body.tool_choice).toMatchObject({ type: "tool", name: RESPONSE_TOOL });
    expect(response.choices[0]?.message.parsed).toEqual(expected);
  });

  it('tool_choice "auto", in either shape, is what the answer tool means anyway', async () => {
    server.handle((_, response) => sendJson(response, 200, recordedMessage));
    for (const choice of ["auto", { type: "auto" }] as const) {
      await completion({ ...call(), tool_choice: choice, responseFormat: Forecast });
      expect((lastRequest().json as Record<string, unknown>).tool_choice).toMatchObject({
        type: "tool",
        name: RESPONSE_TOOL,
      });
    }
  });

  it("takes OpenAI's own response_format too: json_schema and json_object", async () => {
    server.handle((_, response) => sendJson(response, 200, recordedMessage));
    const schema = { type: "object", properties: { a: { type: "string" } } };
    const response = await completion({
      ...call(),
      response_format: { type: "json_schema", json_schema: { name: "x", schema } },
    });
    expect((lastRequest().json as { tools: unknown[] }).tools).toEqual([
      expect.objectContaining({ name: RESPONSE_TOOL, input_schema: schema }),
    ]);
    expect(JSON.parse(response.choices[0]?.message.content ?? "")).toEqual(expected);
    await completion({ ...call(), response_format: { type: "json_object" } });
    expect(
      (lastRequest().json as { tools: { input_schema: unknown }[] }).tools[0]?.input_schema,
    ).toEqual({ type: "object", additionalProperties: true });
    await completion({ ...call(), response_format: { type: "text" } });
    expect((lastRequest().json as Record<string, unknown>).tools).toBeUndefined();
  });

  it("does not touch a tool_use answer of a call without response_format", async () => {
    server.handle((_, response) =>
      sendJson(response, 200, toolUseMessage(RESPONSE_TOOL, { a: 1 })),
    );
    const response = await completion(call());
    expect(response.choices[0]?.message.content).toBeNull();
    expect(response.choices[0]?.message.tool_calls?.[0]).toMatchObject({
      function: { name: RESPONSE_TOOL, arguments: '{"a":1}' },
    });
    expect(response.choices[0]?.finish_reason).toBe("tool_calls");
  });

  it.each([
    [{ reasoning_effort: "low" }, "`reasoning_effort` turns thinking on"],
    [
      { extraBody: { thinking: { type: "enabled", budget_tokens: 2000 } } },
      "`thinking` turns thinking on",
    ],
    [{ tool_choice: "required" }, '`tool_choice` is "required"'],
    [{ parallel_tool_calls: true }, "`parallel_tool_calls` is true"],
    [
      {
        tools: [
          { type: "function", function: { name: RESPONSE_TOOL, parameters: { type: "object" } } },
        ],
      },
      `has a tool named "${RESPONSE_TOOL}"`,
    ],
  ] as [Partial<CompletionParams>, string][])(
    "refuses what cannot force the answer tool, before any request (%#)",
    async (extra, message) => {
      const error = await completion({ ...call(extra), responseFormat: Forecast }).catch((e) => e);
      expect(error).toBeInstanceOf(BadRequestError);
      expect((error as Error).message).toContain(message);
      expect((error as Error).message).not.toContain(KEY);
      expect(server.requests).toHaveLength(0);
    },
  );

  it("refuses a response_format Anthropic has no equivalent of, before any request", async () => {
    await expect(
      completion({
        ...call(),
        response_format: {
          type: "json_schema",
          json_schema: { name: "list", schema: { type: "array" } },
        },
      }),
    ).rejects.toThrow("`response_format.json_schema.schema` is not a JSON Schema of an object");
    await expect(
      completion({ ...call(), response_format: { type: "grammar" } as never }),
    ).rejects.toThrow(BadRequestError);
    expect(server.requests).toHaveLength(0);
  });
});
