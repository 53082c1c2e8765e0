import { assert, describe, expect, it } from "vitest";
import { BadRequestError, completion, embedding } from "../src/index.js";
import { loadSchemas } from "../src/params/load-schemas.js";
import { validateParams } from "../src/params/validate-params.js";
import { useTestServer } from "./helpers/server.js";

const server = useTestServer();

/** The `BadRequestError` a call fails with, having checked that the server saw no request. */
async function rejectionOf(call: Promise<unknown>): Promise<BadRequestError> {
  const error = await call.catch((caught: unknown) => caught);
  assert(error instanceof BadRequestError, `expected a BadRequestError, got ${String(error)}`);
  // The log is cleared after each test, so this sees only the requests of this one.
  expect(server.requests).toEqual([]);
  return error;
}

/** The `BadRequestError` of `completion(params)`; `params` may be anything a caller could pass. */
const rejection = (params: unknown) => rejectionOf(completion(params as never));

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

  it("takes back an answer's custom tool calls, and names a malformed one", async () => {
    const custom = { id: "call_1", type: "custom", custom: { name: "grep", input: "TODO" } };
    const history = (call: unknown) => [
      { role: "user", content: "Find the TODOs" },
      { role: "assistant", content: null, tool_calls: [call] },
      { role: "tool", tool_call_id: "call_1", content: "none" },
    ];
    server.handle((_, response) => {
      response.writeHead(200, { "content-type": "application/json" });
      response.end(
        JSON.stringify({
          id: "c",
          object: "chat.completion",
          created: 1,
          model: "gpt-5",
          choices: [
            { index: 0, message: { role: "assistant", content: "ok" }, finish_reason: "stop" },
          ],
        }),
      );
    });
    await completion({ ...base(), messages: history(custom) } as never);
    expect((server.requests[0]?.json as { messages: unknown[] } | undefined)?.messages[1]).toEqual({
      role: "assistant",
      content: null,
      tool_calls: [custom],
    });
    server.requests.length = 0;
    const error = await rejection({
      ...base(),
      messages: history({ ...custom, custom: { name: "grep" } }),
    });
    expect(error.message).toContain("messages[1].tool_calls[0]");
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

  const milliseconds = "must be a positive number of milliseconds (or Infinity for no limit)";
  it.each([
    ["maxRetries", Number.NaN, "must be a whole number from 0, not NaN"],
    ["maxRetries", -1, "must be a whole number from 0, not -1"],
    ["maxRetries", 1.5, "must be a whole number from 0, not 1.5"],
    ["maxRetries", Number.POSITIVE_INFINITY, "must be a whole number from 0, not Infinity"],
    ["maxRetries", "10", 'must be a whole number from 0, not a string ("10")'],
    ["timeout", Number.NaN, `${milliseconds}, not NaN`],
    ["timeout", -1, `${milliseconds}, not -1`],
    ["timeout", 0, `${milliseconds}, not 0`],
    ["timeout", "10", `${milliseconds}, not a string ("10")`],
    ["streamIdleTimeout", Number.NaN, `${milliseconds}, not NaN`],
    ["maxResponseBytes", Number.NaN, "must be a whole number of bytes from 1, not NaN"],
    ["maxResponseBytes", 0, "must be a whole number of bytes from 1, not 0"],
    ["temperature", Number.NaN, "must be a finite number, not NaN"],
    ["max_tokens", Number.POSITIVE_INFINITY, "must be a finite number, not Infinity"],
    ["max_tokens", 1.5, "must be a whole number, not 1.5"],
  ])("says what is wrong with %s: %s, and the rule", async (key, value, message) => {
    const error = await rejection({ ...base(), [key]: value });
    expect(error.issues).toEqual([{ path: key, message }]);
    expect(error.message).toContain(`${key} ${message}`);
  });

  it("writes NaN as NaN, not null, and an Error with its article", async () => {
    const error = await rejection({ ...base(), model: Number.NaN });
    expect(error.issues).toEqual([{ path: "model", message: "must be a string, not NaN" }]);
    const typed = await rejection({ ...base(), mockResponse: 5 });
    expect(typed.issues).toEqual([
      { path: "mockResponse", message: "must be a string or an Error, not a number (5)" },
    ]);
  });

  it("validates embedding() too", async () => {
    const error = await rejectionOf(
      embedding({
        model: "cometapi/text-embedding-3-small",
        input: [],
        apiKey: "k",
        apiBase: server.apiBase,
      }),
    );
    expect(error.message).toContain("input");
  });
});

describe("the fast validity check agrees with the full strict parse", () => {
  it("on random parameter objects", async () => {
    const fc = (await import("fast-check")).default;
    const { completionParamsSchema } = await loadSchemas();
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
    await fc.assert(
      fc.asyncProperty(fc.dictionary(keys, values), fc.boolean(), async (extra, withBase) => {
        const params = withBase
          ? { model: "cometapi/gpt-5", messages: [{ role: "user", content: "Hi" }], ...extra }
          : extra;
        const expected = completionParamsSchema.safeParse(params).success;
        let actual = true;
        try {
          await validateParams("completion", params);
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
