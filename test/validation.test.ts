import { describe, expect, it } from "vitest";
import { BadRequestError, completion, embedding } from "../src/index.js";
import { useTestServer } from "./helpers/server.js";

const server = useTestServer();

async function rejection(params: unknown): Promise<BadRequestError> {
  const error = await completion(params as never).catch((caught: unknown) => caught);
  expect(error).toBeInstanceOf(BadRequestError);
  return error as BadRequestError;
}

const base = () => ({
  model: "cometapi/gpt-5",
  messages: [{ role: "user", content: "Hi" }],
  apiKey: "k",
  apiBase: server.apiBase,
});

describe("invalid parameters fail before any request, naming the field and the fix", () => {
  it("suggests max_tokens for maxTokens", async () => {
    const error = await rejection({ ...base(), maxTokens: 10 });
    expect(error.message).toContain("maxTokens");
    expect(error.message).toContain("`max_tokens`");
    expect(error.issues).toEqual([
      { path: "maxTokens", message: expect.stringContaining("max_tokens") },
    ]);
    expect(error.status).toBeUndefined();
    expect(error.isRetryable).toBe(false);
  });

  it.each([
    ["api_key", "apiKey"],
    ["base_url", "apiBase"],
    ["topP", "top_p"],
    ["temprature", "temperature"],
    ["max_retries", "maxRetries"],
    ["streamOptions", "stream_options"],
  ])("suggests the near miss of %s", async (key, suggestion) => {
    const error = await rejection({ ...base(), [key]: 1 });
    expect(error.message).toContain(`\`${suggestion}\``);
  });

  it("points a parameter llmux does not list to extraBody", async () => {
    const error = await rejection({ ...base(), completely_unknown_knob: 1 });
    expect(error.message).toContain("extraBody");
  });

  it("names a message's role by its path", async () => {
    const error = await rejection({ ...base(), messages: [{ role: "human", content: "Hi" }] });
    expect(error.issues?.[0]?.path).toBe("messages[0].role");
    expect(error.message).toContain("messages[0].role");
    expect(error.message).toContain('"user"');
  });

  it("names a missing tool_call_id", async () => {
    const error = await rejection({ ...base(), messages: [{ role: "tool", content: "x" }] });
    expect(error.message).toContain("messages[0].tool_call_id");
  });

  it("names a bad content part", async () => {
    const error = await rejection({
      ...base(),
      messages: [{ role: "user", content: [{ type: "txt", text: "Hi" }] }],
    });
    expect(error.message).toContain("messages[0].content");
  });

  it("rejects an empty messages list, a wrong type and a range", async () => {
    expect((await rejection({ ...base(), messages: [] })).message).toContain("messages");
    const typed = await rejection({ ...base(), temperature: "hot" });
    expect(typed.message).toContain("temperature");
    expect(typed.message).toContain("number");
    expect((await rejection({ ...base(), temperature: 3 })).message).toContain("temperature");
    expect((await rejection({ ...base(), max_tokens: 1.5 })).message).toContain("max_tokens");
  });

  it("reports every problem at once", async () => {
    const error = await rejection({
      ...base(),
      top_p: 5,
      maxTokens: 1,
      messages: [{ role: "user" }],
    });
    expect(error.issues?.map((issue) => issue.path).sort()).toEqual(
      ["maxTokens", "messages[0].content", "top_p"].sort(),
    );
  });

  it("rejects a missing model and a non-object", async () => {
    const { model: _, ...withoutModel } = base();
    expect((await rejection(withoutModel)).message).toContain("model");
    expect((await rejection("hello")).message).toContain("one object");
  });

  it("rejects bad client options", async () => {
    expect((await rejection({ ...base(), timeout: -1 })).message).toContain("timeout");
    expect((await rejection({ ...base(), maxRetries: 1.5 })).message).toContain("maxRetries");
    expect((await rejection({ ...base(), signal: {} })).message).toContain("AbortSignal");
    expect((await rejection({ ...base(), apiBase: "not a url" })).message).toContain("apiBase");
  });

  it("validates embedding() too", async () => {
    const error = await embedding({
      model: "cometapi/text-embedding-3-small",
      input: [],
      apiKey: "k",
    } as never).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(BadRequestError);
  });

  it("made no request for any of it", () => {
    expect(server.requests).toHaveLength(0);
  });
});

describe("the fast validity check agrees with the full strict parse", () => {
  it("on random parameter objects", async () => {
    const fc = (await import("fast-check")).default;
    const { completionParamsSchema } = await import("../src/params/schemas.js");
    const { validateParams } = await import("../src/params/validate-params.js");
    const values = fc.oneof(
      fc.constantFrom(
        undefined,
        null,
        "cometapi/gpt-5",
        "",
        0.5,
        3,
        -1,
        1.5,
        true,
        [],
        {},
        [{ role: "user", content: "Hi" }],
        [{ role: "tool", content: "x" }],
        { include_usage: true },
        { type: "json_object" },
        "auto",
        new AbortController().signal,
        new Error("x"),
        "http://127.0.0.1:1/v1",
        "not a url",
      ),
      fc.string(),
      fc.double(),
    );
    const keys = fc.constantFrom(
      "model",
      "messages",
      "temperature",
      "top_p",
      "n",
      "max_tokens",
      "stream",
      "stream_options",
      "response_format",
      "tool_choice",
      "apiKey",
      "apiBase",
      "timeout",
      "maxRetries",
      "signal",
      "mockResponse",
      "maxTokens",
      "whatever",
    );
    fc.assert(
      fc.property(fc.dictionary(keys, values), fc.boolean(), (extra, withBase) => {
        const params = withBase
          ? { model: "cometapi/gpt-5", messages: [{ role: "user", content: "Hi" }], ...extra }
          : extra;
        const expected = completionParamsSchema.safeParse(params).success;
        let actual = true;
        try {
          validateParams(completionParamsSchema, params, "completion");
        } catch (error) {
          expect(error).toBeInstanceOf(BadRequestError);
          actual = false;
        }
        expect(actual).toBe(expected);
      }),
      { numRuns: 2000 },
    );
  });
});
