import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, expectTypeOf, it } from "vitest";
import {
  BadRequestError,
  type ChoiceDelta,
  type ChoiceLogprobs,
  completion,
  type FinishReason,
  type ModelResponseStream,
  type StreamChoice,
  streamChunkBuilder,
  type Usage,
} from "../src/index.js";
import { collect } from "./helpers/collect.js";
import { chunkBody } from "./helpers/fixtures.js";
import { sendEvents, sendJson, useTestServer } from "./helpers/server.js";

const fixture = (name: string) => readFileSync(join(import.meta.dirname, "fixtures", name), "utf8");
const messages = [{ role: "user" as const, content: "Weather in Paris and Tokyo?" }];
const server = useTestServer();

/** The chunks of a recorded stream under fixtures/stream-chunk-builder/ (SSE or one JSON a line). */
function recorded(name: string): ModelResponseStream[] {
  return fixture(join("stream-chunk-builder", name))
    .split("\n")
    .map((line) => line.replace(/^data: /, "").trim())
    .filter((line) => line !== "" && line !== "[DONE]")
    .map((line) => JSON.parse(line) as ModelResponseStream);
}

function chunk(
  choices: StreamChoice[],
  extra: Partial<ModelResponseStream> = {},
): ModelResponseStream {
  return {
    id: "chatcmpl-scb1",
    object: "chat.completion.chunk",
    created: 1_764_000_000,
    model: "gpt-4o-2024-08-06",
    choices,
    ...extra,
  };
}

function choice(
  delta: ChoiceDelta,
  finishReason: FinishReason | null = null,
  index = 0,
  logprobs: ChoiceLogprobs | null = null,
): StreamChoice {
  return { index, delta, logprobs, finish_reason: finishReason };
}

const usageChunk = (usage: Partial<Usage>) => chunk([], { usage: usage as Usage });

/** What a caller gets when it passes something that is not an array of chunks. */
function builderError(chunks: unknown): unknown {
  try {
    streamChunkBuilder(chunks as ModelResponseStream[]);
  } catch (error) {
    return error;
  }
  throw new Error("streamChunkBuilder did not throw");
}

describe("streamChunkBuilder", () => {
  it("rebuilds the non-streamed answer from a recorded parallel-tool-call stream", async () => {
    server.handle((request, response) => {
      if (request.json?.stream === true) {
        sendEvents(response, fixture("parallel-tool-calls.sse"));
      } else {
        sendJson(response, 200, JSON.parse(fixture("parallel-tool-calls.json")));
      }
    });
    const options = { model: "cometapi/gpt-4o", messages, apiKey: "k", apiBase: server.apiBase };
    const chunks = await collect(await completion({ ...options, stream: true }));
    const plain = await completion(options);
    const rebuilt = streamChunkBuilder(chunks);
    expect(JSON.parse(JSON.stringify(rebuilt))).toEqual(JSON.parse(JSON.stringify(plain)));
    expect(rebuilt.choices[0]?.message.tool_calls?.map((call) => call.id)).toEqual([
      "call_paris01",
      "call_tokyo02",
    ]);
  });

  it("joins content and reasoning per choice and keeps the last finish_reason", () => {
    const chunks: ModelResponseStream[] = [
      { ...chunkBody({ role: "assistant", content: "" }), id: "", model: "" },
      chunkBody({ reasoning_content: "Hmm, " }),
      chunkBody({ reasoning_content: "yes." }),
      chunkBody({ content: "Hel" }),
      chunkBody({ content: "lo" }),
      {
        ...chunkBody({ content: "Other" }),
        choices: [{ index: 1, delta: { content: "Other" }, finish_reason: "length" }],
      },
      chunkBody({}, "stop"),
      chunkBody({}, null),
    ] as ModelResponseStream[];
    const rebuilt = streamChunkBuilder(chunks);
    expect(rebuilt.id).toBe("chatcmpl-stream1");
    expect(rebuilt.model).toBe("gpt-5-2025-08-07");
    expect(rebuilt.object).toBe("chat.completion");
    expect(rebuilt.choices).toHaveLength(2);
    expect(rebuilt.choices[0]?.message).toEqual({
      role: "assistant",
      content: "Hello",
      reasoning_content: "Hmm, yes.",
    });
    expect(rebuilt.choices[0]?.finish_reason).toBe("stop");
    expect(rebuilt.choices[1]?.message.content).toBe("Other");
    expect(rebuilt.choices[1]?.finish_reason).toBe("length");
    expect(rebuilt.usage).toBeUndefined();
  });

  it("gives null content for a stream without text", () => {
    expect(
      streamChunkBuilder([chunkBody({ role: "assistant" }, "stop") as ModelResponseStream])
        .choices[0]?.message.content,
    ).toBeNull();
  });

  it("keeps a refusal and its logprobs.refusal tokens, and null logprobs.content (recorded)", () => {
    const chunks = recorded("openai-refusal-logprobs.sse");
    const rebuilt = streamChunkBuilder(chunks);
    const sentTokens = chunks.flatMap((each) => each.choices[0]?.logprobs?.refusal ?? []);

    expect(rebuilt.choices).toHaveLength(1);
    expect(rebuilt.choices[0]?.message).toEqual({
      role: "assistant",
      content: null,
      refusal: "I'm very sorry, but I can't assist with that request.",
    });
    expect(rebuilt.choices[0]?.finish_reason).toBe("stop");
    expect(rebuilt.choices[0]?.logprobs?.content).toBeNull();
    expect(rebuilt.choices[0]?.logprobs?.refusal).toEqual(sentTokens);
    expect(rebuilt.choices[0]?.logprobs?.refusal?.map((token) => token.token).join("")).toBe(
      rebuilt.choices[0]?.message.refusal,
    );
    expect(rebuilt.usage).toEqual({ prompt_tokens: 17, completion_tokens: 13, total_tokens: 30 });
  });

  it("concatenates logprobs.content and keeps logprobs.refusal null (recorded)", () => {
    const chunks = recorded("openai-content-logprobs.sse");
    const rebuilt = streamChunkBuilder(chunks);

    expect(rebuilt.choices[0]?.message.content).toBe('{"city":"San Francisco","units":"f"}');
    expect(rebuilt.choices[0]?.logprobs).toEqual({
      content: chunks.flatMap((each) => each.choices[0]?.logprobs?.content ?? []),
      refusal: null,
    });
    expect(rebuilt.choices[0]?.logprobs?.content?.map((token) => token.token).join("")).toBe(
      rebuilt.choices[0]?.message.content,
    );
  });

  it("rebuilds text followed by a tool call, service_tier and usage, without per-chunk padding (recorded)", () => {
    const rebuilt = streamChunkBuilder(recorded("openai-text-then-tool-call.jsonl"));

    expect(JSON.parse(JSON.stringify(rebuilt))).toEqual({
      id: "chatcmpl-E6yvi7cuDcHZEHTMxcLDyf3CMKIO2",
      object: "chat.completion",
      created: 1785332890,
      model: "gpt-4o-2024-08-06",
      system_fingerprint: "fp_627de6ad19",
      service_tier: "default",
      choices: [
        {
          index: 0,
          message: {
            role: "assistant",
            content: "PRE_TOOL",
            tool_calls: [
              {
                id: "call_NZa7xqfefoaMI2YYHowVXVlU",
                type: "function",
                function: { name: "weather", arguments: "{}" },
              },
            ],
          },
          finish_reason: "tool_calls",
        },
      ],
      usage: {
        prompt_tokens: 58,
        completion_tokens: 12,
        total_tokens: 70,
        prompt_tokens_details: { cached_tokens: 0, audio_tokens: 0 },
        completion_tokens_details: {
          reasoning_tokens: 0,
          audio_tokens: 0,
          accepted_prediction_tokens: 0,
          rejected_prediction_tokens: 0,
        },
      },
    });
  });

  it("gives one tool call when a gateway numbers it from 1 (recorded Anthropic through a gateway)", () => {
    const rebuilt = streamChunkBuilder(recorded("anthropic-gateway-tool-call-index-1.sse"));

    expect(rebuilt.choices[0]?.message).toEqual({
      role: "assistant",
      content: "Reading it.",
      tool_calls: [
        {
          id: "toolu_sanitized",
          type: "function",
          function: { name: "read_file", arguments: '{"path": "a.txt"}' },
        },
      ],
    });
    expect(rebuilt.choices[0]?.finish_reason).toBe("tool_calls");
    expect(rebuilt.model).toBe("claude-haiku-4-5-20251001");
  });

  it("takes id, model and created past a placeholder first chunk (recorded)", () => {
    const rebuilt = streamChunkBuilder(recorded("placeholder-first-chunk.jsonl"));

    expect(rebuilt).toMatchObject({
      id: "chatcmpl-123",
      object: "chat.completion",
      created: 1700000000,
      model: "actual-model-name",
      choices: [{ index: 0, message: { role: "assistant", content: "Hello" } }],
      usage: { prompt_tokens: 10, completion_tokens: 1, total_tokens: 11 },
    });
  });

  it("assembles parallel tool calls whose arguments are split over many chunks", () => {
    const call = (index: number, fields: Record<string, unknown>) =>
      chunk([choice({ role: "assistant", tool_calls: [{ index, type: "function", ...fields }] })]);
    const rebuilt = streamChunkBuilder([
      call(0, { id: "call_X9P9", function: { name: "exponentiate", arguments: "" } }),
      ...['{"ba', 'se": ', '3, "ex', "pone", 'nt": ', "5}"].map((piece) =>
        call(0, { function: { arguments: piece } }),
      ),
      call(1, { id: "call_Qq8y", function: { name: "add", arguments: "" } }),
      ...['{"fi', "rst_i", 'nt": 1', '2, "', "secon", 'd_int"', ": 3}"].map((piece) =>
        call(1, { function: { arguments: piece } }),
      ),
      chunk([choice({}, "tool_calls")]),
    ]);

    expect(rebuilt.choices[0]?.message).toEqual({
      role: "assistant",
      content: null,
      tool_calls: [
        {
          id: "call_X9P9",
          type: "function",
          function: { name: "exponentiate", arguments: '{"base": 3, "exponent": 5}' },
        },
        {
          id: "call_Qq8y",
          type: "function",
          function: { name: "add", arguments: '{"first_int": 12, "second_int": 3}' },
        },
      ],
    });
    expect(rebuilt.choices[0]?.finish_reason).toBe("tool_calls");
  });

  it("takes a tool call's id and name from a later delta when the first lacks them", () => {
    const rebuilt = streamChunkBuilder([
      chunk([
        choice({ role: "assistant", tool_calls: [{ index: 0, function: { arguments: "" } }] }),
      ]),
      chunk([choice({ tool_calls: [{ index: 0, function: { arguments: '{"city":' } }] })]),
      chunk([
        choice({
          tool_calls: [
            { index: 0, id: "call_late", type: "function", function: { name: "get_weather" } },
          ],
        }),
      ]),
      chunk([choice({ tool_calls: [{ index: 0, function: { arguments: '"Oslo"}' } }] })]),
      chunk([choice({}, "tool_calls")]),
    ]);

    expect(rebuilt.choices[0]?.message.tool_calls).toEqual([
      {
        id: "call_late",
        type: "function",
        function: { name: "get_weather", arguments: '{"city":"Oslo"}' },
      },
    ]);
  });

  it("keeps three tool calls sent whole, one a chunk (Groq)", () => {
    const whole = (index: number, id: string, city: string) =>
      chunk([
        choice({
          content: "",
          tool_calls: [
            {
              index,
              id,
              type: "function",
              function: {
                name: "get_current_weather",
                arguments: `{"location": "${city}", "unit": "celsius"}`,
              },
            },
          ],
        }),
      ]);
    const rebuilt = streamChunkBuilder([
      whole(0, "call_9y79", "San Francisco"),
      whole(1, "call_pfp7", "Tokyo"),
      whole(2, "call_hyj5", "Paris"),
    ]);

    const calls = rebuilt.choices[0]?.message.tool_calls ?? [];
    expect(calls.map((call) => call.id)).toEqual(["call_9y79", "call_pfp7", "call_hyj5"]);
    expect(calls.map((call) => (call.type === "function" ? call.function.arguments : ""))).toEqual([
      '{"location": "San Francisco", "unit": "celsius"}',
      '{"location": "Tokyo", "unit": "celsius"}',
      '{"location": "Paris", "unit": "celsius"}',
    ]);
  });

  it("rebuilds a custom tool's call with its input pieces, beside a function call", () => {
    const rebuilt = streamChunkBuilder([
      chunk([
        choice({
          role: "assistant",
          tool_calls: [
            {
              index: 0,
              id: "call_custom_123",
              type: "custom",
              custom: { name: "code_exec", input: "" },
            },
          ],
        }),
      ]),
      chunk([choice({ tool_calls: [{ index: 0, custom: { input: 'print("hel' } }] })]),
      chunk([choice({ tool_calls: [{ index: 0, custom: { input: 'lo")\nreturn 42' } }] })]),
      chunk([
        choice({
          tool_calls: [
            {
              index: 1,
              id: "call_function_456",
              type: "function",
              function: { name: "get_weather", arguments: "" },
            },
          ],
        }),
      ]),
      chunk([choice({ tool_calls: [{ index: 1, function: { arguments: '{"city":' } }] })]),
      chunk([choice({ tool_calls: [{ index: 1, function: { arguments: '"SF"}' } }] })]),
      chunk([choice({}, "tool_calls")]),
    ]);

    expect(rebuilt.choices[0]?.message.tool_calls).toEqual([
      {
        id: "call_custom_123",
        type: "custom",
        custom: { name: "code_exec", input: 'print("hello")\nreturn 42' },
      },
      {
        id: "call_function_456",
        type: "function",
        function: { name: "get_weather", arguments: '{"city":"SF"}' },
      },
    ]);
  });

  it("keeps the fields a provider adds to a tool call, such as Gemini's thought_signature", () => {
    const signed = { google: { thought_signature: "CtsBAdHtim9+sig==" } };
    const rebuilt = streamChunkBuilder([
      chunk([
        choice({
          role: "assistant",
          tool_calls: [
            {
              index: 0,
              id: "function-call-1",
              type: "function",
              function: { name: "get_weather", arguments: '{"city":"Paris"}' },
              extra_content: signed,
            },
          ],
        }),
      ]),
      // A later piece that says nothing of extra_content (null) must not erase it.
      chunk([
        choice({ tool_calls: [{ index: 0, function: { arguments: "" }, extra_content: null }] }),
      ]),
      chunk([
        choice({
          tool_calls: [
            {
              index: 1,
              id: "function-call-2",
              type: "function",
              function: { name: "get_weather", arguments: '{"city":"Tokyo"}' },
            },
          ],
        }),
      ]),
      chunk([choice({}, "tool_calls")]),
    ]);

    expect(rebuilt.choices[0]?.message.tool_calls).toEqual([
      {
        id: "function-call-1",
        type: "function",
        function: { name: "get_weather", arguments: '{"city":"Paris"}' },
        extra_content: signed,
      },
      {
        id: "function-call-2",
        type: "function",
        function: { name: "get_weather", arguments: '{"city":"Tokyo"}' },
      },
    ]);
    expect(rebuilt.choices[0]?.message.tool_calls?.[1]).not.toHaveProperty("extra_content");
  });

  it("rebuilds message.audio from its pieces, the transcript arriving before the id", () => {
    const rebuilt = streamChunkBuilder([
      chunk([choice({ audio: { transcript: "hel" } })], { model: "gpt-4o-audio-preview" }),
      chunk([
        choice({
          role: "assistant",
          content: null,
          refusal: null,
          audio: { id: "audio-test", data: "abc" },
        }),
      ]),
      chunk([choice({ audio: { transcript: "lo", data: "def" } })]),
      chunk([choice({ audio: { expires_at: 2 } }, "stop")]),
    ]);

    expect(rebuilt.choices[0]?.message).toEqual({
      role: "assistant",
      content: null,
      audio: { id: "audio-test", data: "abcdef", transcript: "hello", expires_at: 2 },
    });
  });

  it("keeps each choice's content, finish_reason and logprobs apart when n=2", () => {
    const token = (text: string) => ({ token: text, logprob: -0.1, bytes: null, top_logprobs: [] });
    const rebuilt = streamChunkBuilder([
      chunk([
        choice({ role: "assistant", content: "" }, null, 1, { content: [], refusal: null }),
        choice({ role: "assistant", content: "" }, null, 0, { content: [], refusal: null }),
      ]),
      chunk([choice({ content: "Oui" }, null, 1, { content: [token("Oui")], refusal: null })]),
      chunk([choice({ content: "Yes" }, null, 0, { content: [token("Yes")], refusal: null })]),
      chunk([
        choice({ content: "." }, "stop", 0, { content: [token(".")], refusal: null }),
        choice({ content: "!" }, "length", 1, { content: [token("!")], refusal: null }),
      ]),
      usageChunk({ prompt_tokens: 9, completion_tokens: 4, total_tokens: 13 }),
    ]);

    expect(rebuilt.choices.map((each) => each.index)).toEqual([0, 1]);
    expect(rebuilt.choices.map((each) => each.message.content)).toEqual(["Yes.", "Oui!"]);
    expect(rebuilt.choices.map((each) => each.finish_reason)).toEqual(["stop", "length"]);
    expect(rebuilt.choices.map((each) => each.logprobs?.content?.map((t) => t.token))).toEqual([
      ["Yes", "."],
      ["Oui", "!"],
    ]);
  });

  it("merges usage sent in pieces: prompt tokens early, completion tokens late", () => {
    const rebuilt = streamChunkBuilder([
      chunk([choice({ role: "assistant", content: "Hi" })], {
        usage: {
          prompt_tokens: 25,
          completion_tokens: 1,
          total_tokens: 26,
          prompt_tokens_details: { cached_tokens: 20 },
        },
      }),
      chunk([choice({ content: " there" }, "stop")]),
      usageChunk({
        completion_tokens: 15,
        completion_tokens_details: { reasoning_tokens: 4 },
      }),
    ]);

    expect(rebuilt.usage).toEqual({
      prompt_tokens: 25,
      completion_tokens: 15,
      total_tokens: 40,
      prompt_tokens_details: { cached_tokens: 20 },
      completion_tokens_details: { reasoning_tokens: 4 },
    });
  });

  it("does not let a later chunk's zero counts erase earlier ones", () => {
    const rebuilt = streamChunkBuilder([
      chunk([choice({ role: "assistant", content: "Hi" })], {
        usage: {
          prompt_tokens: 25,
          completion_tokens: 0,
          total_tokens: 25,
          prompt_tokens_details: { cached_tokens: 20 },
        },
      }),
      chunk([choice({}, "stop")], {
        usage: {
          prompt_tokens: 0,
          completion_tokens: 15,
          total_tokens: 15,
          prompt_tokens_details: { cached_tokens: 0 },
        },
      }),
    ]);

    expect(rebuilt.usage).toEqual({
      prompt_tokens: 25,
      completion_tokens: 15,
      total_tokens: 40,
      prompt_tokens_details: { cached_tokens: 20 },
    });
  });

  it("keeps a total the provider counted above prompt + completion (Gemini's thinking tokens)", () => {
    const single = { prompt_tokens: 10, completion_tokens: 5, total_tokens: 42 };
    expect(streamChunkBuilder([usageChunk(single)]).usage).toEqual(single);
    const merged = streamChunkBuilder([
      usageChunk({ prompt_tokens: 10 }),
      usageChunk({ completion_tokens: 5, total_tokens: 42 }),
    ]);
    expect(merged.usage).toEqual({ prompt_tokens: 10, completion_tokens: 5, total_tokens: 42 });
  });

  it("gives usage that does not share objects with the chunks", () => {
    const sent: Usage = {
      prompt_tokens: 9,
      completion_tokens: 3,
      total_tokens: 12,
      prompt_tokens_details: { cached_tokens: 0 },
    };
    const rebuilt = streamChunkBuilder([usageChunk(sent)]);
    if (rebuilt.usage?.prompt_tokens_details) rebuilt.usage.prompt_tokens_details.cached_tokens = 5;
    expect(sent.prompt_tokens_details).toEqual({ cached_tokens: 0 });
  });

  it("takes only the chunks: usage is never estimated from the call's messages", () => {
    // Checked by tsc: a LiteLLM-style second argument is a compile error, not silently ignored.
    expectTypeOf(streamChunkBuilder).parameters.toEqualTypeOf<
      [chunks: readonly ModelResponseStream[]]
    >();
    expect(streamChunkBuilder([chunk([choice({ content: "Hi" }, "stop")])]).usage).toBeUndefined();
  });

  it("throws a BadRequestError naming the argument and the fix for what is not an array of chunks", () => {
    const forNull = builderError(null);
    expect(forNull).toBeInstanceOf(BadRequestError);
    expect((forNull as BadRequestError).message).toBe(
      "streamChunkBuilder(chunks): chunks must be an array of chat.completion.chunk objects, not null.",
    );
    expect((forNull as BadRequestError).isRetryable).toBe(false);

    const stream = { async *[Symbol.asyncIterator]() {} };
    expect((builderError(stream) as Error).message).toMatch(
      /not an async iterable; collect the stream first: for await \(const chunk of stream\) chunks\.push\(chunk\)/,
    );
    expect(builderError("data: {}")).toBeInstanceOf(BadRequestError);
    const holed = builderError([chunkBody({ content: "a" }), null]);
    expect(holed).toBeInstanceOf(BadRequestError);
    expect((holed as Error).message).toMatch(/chunks\[1\] is null/);
    const badChoices = builderError([{ ...chunkBody({}), choices: "oops" }]);
    expect(badChoices).toBeInstanceOf(BadRequestError);
    expect((badChoices as Error).message).toMatch(/chunks\[0\]\.choices/);
  });
});
