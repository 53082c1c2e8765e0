/**
 * `anthropic/<model>`: requests as the server saw them, recorded answers mapped to OpenAI's
 * shape, each error shape, and tool use over two turns with signed thinking blocks sent back.
 * Streams are in `anthropic-stream.test.ts`.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import {
  APIError,
  AuthenticationError,
  BadRequestError,
  type CompletionParams,
  ContextWindowExceededError,
  completion,
  embedding,
  InternalServerError,
  listModels,
  type Message,
  type ModelResponse,
  NotFoundError,
  PermissionDeniedError,
  RateLimitError,
  registerProvider,
  ServiceUnavailableError,
  streamChunkBuilder,
} from "../src/index.js";
import {
  ANTHROPIC_VERSION,
  anthropic,
  createAnthropicProvider,
} from "../src/providers/anthropic/anthropic-provider.js";
import {
  accumulateMessage,
  eventsOf,
  readJsonFixture,
  streamBody,
} from "./fixtures/anthropic/anthropic-wire.js";
import { collect } from "./helpers/collect.js";
import { type RecordedRequest, sendEvents, sendJson, useTestServer } from "./helpers/server.js";

registerProvider(anthropic);

const KEY = "sk-ant-api03-test-key-never-in-urls";
const server = useTestServer();
const messages: Message[] = [{ role: "user", content: "Hello" }];
const textAnswer = readJsonFixture("vercel-anthropic-text.json");

/** A call to the test server, no retries, answered with the recorded text answer by default. */
function call(extra: Partial<CompletionParams> = {}): CompletionParams {
  return {
    model: "anthropic/claude-sonnet-4-5",
    messages,
    apiKey: KEY,
    apiBase: server.origin,
    maxRetries: 0,
    ...extra,
  };
}

/** Answers every request with `body` (a recorded Message) and returns the request it saw. */
async function bodySent(params: CompletionParams, answer = textAnswer) {
  server.handle((_, response) => sendJson(response, 200, answer));
  await completion({ ...params, stream: false });
  return lastRequest().json;
}

/**
 * The last request the server saw, read once the call has settled (so the server has logged it).
 * Not `nextRequest()`: its count of requests handed out outlives the log cleared between tests,
 * so in a later test it skips as many new requests as earlier tests took.
 */
function lastRequest(): RecordedRequest {
  const request = server.requests.at(-1);
  if (request === undefined) throw new Error("the server saw no request");
  return request;
}

async function failure(params: CompletionParams): Promise<unknown> {
  return completion(params).then(
    () => {
      throw new Error("the call succeeded");
    },
    (error: unknown) => error,
  );
}

beforeEach(() => {
  for (const name of ["ANTHROPIC_API_KEY", "ANTHROPIC_BASE_URL", "ANTHROPIC_API_BASE"]) {
    vi.stubEnv(name, "");
  }
});
afterEach(() => vi.unstubAllEnvs());

describe("the request", () => {
  it("is POST {base}/v1/messages with x-api-key and anthropic-version; the key is never in the URL", async () => {
    server.handle((_, response) => sendJson(response, 200, textAnswer));
    await completion(call());
    const request = lastRequest();
    expect(request.method).toBe("POST");
    expect(request.url).toBe("/v1/messages");
    expect(request.url).not.toContain(KEY);
    expect(request.headers["x-api-key"]).toBe(KEY);
    expect(request.headers["anthropic-version"]).toBe(ANTHROPIC_VERSION);
    expect(ANTHROPIC_VERSION).toBe("2023-06-01");
    expect(request.headers["content-type"]).toBe("application/json");
    expect(request.headers.authorization).toBeUndefined();
  });

  it("takes the API's root as base, and does not double a /v1 it already ends in", async () => {
    server.handle((_, response) => sendJson(response, 200, textAnswer));
    await completion(call({ apiBase: `${server.origin}/v1/` }));
    expect(lastRequest().url).toBe("/v1/messages");
    await completion(call({ apiBase: `${server.origin}/proxy/anthropic` }));
    expect(lastRequest().url).toBe("/proxy/anthropic/v1/messages");
  });

  it("reads ANTHROPIC_API_KEY and ANTHROPIC_BASE_URL", async () => {
    vi.stubEnv("ANTHROPIC_API_KEY", "from-env");
    vi.stubEnv("ANTHROPIC_BASE_URL", server.origin);
    server.handle((_, response) => sendJson(response, 200, textAnswer));
    await completion({ model: "anthropic/claude-sonnet-4-5", messages, maxRetries: 0 });
    expect(lastRequest().headers["x-api-key"]).toBe("from-env");
  });

  it("without a key: AuthenticationError naming ANTHROPIC_API_KEY, and no request", async () => {
    const error = await failure({ ...call(), apiKey: undefined });
    expect(error).toBeInstanceOf(AuthenticationError);
    expect((error as Error).message).toContain("ANTHROPIC_API_KEY");
    expect(server.requests).toHaveLength(0);
  });

  it("maps system and developer messages, stop, sampling, user, and sends 4096 max_tokens by default", async () => {
    const sent = await bodySent(
      call({
        messages: [
          { role: "system", content: "You are terse." },
          { role: "developer", content: [{ type: "text", text: "Answer in French." }] },
          { role: "user", content: "Hello" },
        ],
        stop: "END",
        temperature: 0.2,
        top_p: 0.9,
        user: "user-42",
      }),
    );
    expect(sent).toEqual({
      model: "claude-sonnet-4-5",
      system: [
        { type: "text", text: "You are terse." },
        { type: "text", text: "Answer in French." },
      ],
      messages: [{ role: "user", content: "Hello" }],
      max_tokens: 4096,
      stop_sequences: ["END"],
      temperature: 0.2,
      top_p: 0.9,
      metadata: { user_id: "user-42" },
    });
  });

  it("sends one system message as a string, a stop list as it is, and max_completion_tokens over max_tokens", async () => {
    const sent = await bodySent(
      call({
        messages: [{ role: "system", content: "Be brief." }, ...messages],
        stop: ["a", "b"],
        max_tokens: 100,
        max_completion_tokens: 200,
      }),
    );
    expect(sent?.system).toBe("Be brief.");
    expect(sent?.stop_sequences).toEqual(["a", "b"]);
    expect(sent?.max_tokens).toBe(200);
  });

  it.each([
    ["low", 1024],
    ["medium", 2048],
    ["high", 4096],
  ])("reasoning_effort %s is a thinking budget of %i tokens", async (effort, budget) => {
    const sent = await bodySent(call({ reasoning_effort: effort, max_tokens: 16_000 }));
    expect(sent?.thinking).toEqual({ type: "enabled", budget_tokens: budget });
    expect(sent?.max_tokens).toBe(16_000);
  });

  it("raises max_tokens by the budget when it does not exceed it; none sends no thinking", async () => {
    expect(await bodySent(call({ reasoning_effort: "high" }))).toMatchObject({
      thinking: { type: "enabled", budget_tokens: 4096 },
      max_tokens: 4096 + 4096,
    });
    expect(await bodySent(call({ reasoning_effort: "low", max_tokens: 500 }))).toMatchObject({
      max_tokens: 500 + 1024,
    });
    const none = await bodySent(call({ reasoning_effort: "none" }));
    expect(none?.thinking).toBeUndefined();
  });

  it("an effort with no budget is a BadRequestError naming it, before any request", async () => {
    const error = await failure(call({ reasoning_effort: "extreme" }));
    expect(error).toBeInstanceOf(BadRequestError);
    expect((error as Error).message).toContain("`reasoning_effort`");
    expect((error as Error).message).toContain("anthropic/claude-sonnet-4-5");
    expect(server.requests).toHaveLength(0);
  });

  it("maps tools and each tool_choice, with parallel_tool_calls: false", async () => {
    const tools: CompletionParams["tools"] = [
      {
        type: "function",
        function: {
          name: "get_weather",
          description: "The weather in a city",
          parameters: { type: "object", properties: { city: { type: "string" } } },
        },
      },
      { type: "function", function: { name: "now" } },
    ];
    const anthropicTools = [
      {
        name: "get_weather",
        description: "The weather in a city",
        input_schema: { type: "object", properties: { city: { type: "string" } } },
      },
      { name: "now", input_schema: { type: "object", properties: {} } },
    ];
    const choices: [CompletionParams["tool_choice"], unknown][] = [
      ["auto", { type: "auto" }],
      ["none", { type: "none" }],
      ["required", { type: "any" }],
      [
        { type: "function", function: { name: "now" } },
        { type: "tool", name: "now" },
      ],
    ];
    for (const [toolChoice, expected] of choices) {
      const sent = await bodySent(call({ tools, tool_choice: toolChoice }));
      expect(sent?.tools).toEqual(anthropicTools);
      expect(sent?.tool_choice).toEqual(expected);
    }
    expect((await bodySent(call({ tools, parallel_tool_calls: false })))?.tool_choice).toEqual({
      type: "auto",
      disable_parallel_tool_use: true,
    });
    const named = await bodySent(
      call({ tools, tool_choice: "required", parallel_tool_calls: false }),
    );
    expect(named?.tool_choice).toEqual({ type: "any", disable_parallel_tool_use: true });
  });

  it("sends a tool of Anthropic's own type as it is, and no tool_choice auto without tools", async () => {
    const webSearch = { type: "web_search_20250305", name: "web_search", max_uses: 3 };
    expect((await bodySent(call({ tools: [webSearch] })))?.tools).toEqual([webSearch]);
    const sent = await bodySent(call({ tool_choice: "auto" }));
    expect(sent).not.toHaveProperty("tool_choice");
    expect(sent).not.toHaveProperty("tools");
  });

  it("maps images: a data URL to base64 with its media type, an https URL to a URL source", async () => {
    const sent = await bodySent(
      call({
        messages: [
          {
            role: "user",
            content: [
              { type: "text", text: "Compare these." },
              { type: "image_url", image_url: { url: "data:image/png;base64,iVBORw0KGgo=" } },
              {
                type: "image_url",
                image_url: { url: "https://example.com/cat.jpg", detail: "low" },
              },
            ],
          },
        ],
      }),
    );
    expect(sent?.messages).toEqual([
      {
        role: "user",
        content: [
          { type: "text", text: "Compare these." },
          {
            type: "image",
            source: { type: "base64", media_type: "image/png", data: "iVBORw0KGgo=" },
          },
          { type: "image", source: { type: "url", url: "https://example.com/cat.jpg" } },
        ],
      },
    ]);
  });

  it("maps a PDF file part to a document block", async () => {
    const sent = await bodySent(
      call({
        messages: [
          {
            role: "user",
            content: [
              {
                type: "file",
                file: { file_data: "data:application/pdf;base64,JVBERi0=", filename: "a.pdf" },
              },
            ],
          },
        ],
      }),
    );
    expect(sent?.messages).toEqual([
      {
        role: "user",
        content: [
          {
            type: "document",
            source: { type: "base64", media_type: "application/pdf", data: "JVBERi0=" },
            title: "a.pdf",
          },
        ],
      },
    ]);
  });

  it.each<[string, Message, string]>([
    [
      "an image URL that is neither data: nor http(s)",
      { role: "user", content: [{ type: "image_url", image_url: { url: "ftp://x/cat.png" } }] },
      "messages[0].content[0].image_url.url",
    ],
    [
      "audio",
      {
        role: "user",
        content: [{ type: "input_audio", input_audio: { data: "UklGR", format: "wav" } }],
      },
      "messages[0].content[0]",
    ],
    [
      "a file id",
      { role: "user", content: [{ type: "file", file: { file_id: "file-abc" } }] },
      "messages[0].content[0].file.file_id",
    ],
  ])("%s is a BadRequestError naming the field, before any request", async (_, message, path) => {
    const error = await failure(call({ messages: [message] }));
    expect(error).toBeInstanceOf(BadRequestError);
    expect((error as BadRequestError).issues?.[0]?.path).toBe(path);
    expect((error as Error).message).toContain(`\`${path}\``);
    expect(server.requests).toHaveLength(0);
  });

  it("merges consecutive messages of one role, and consecutive tool results into one user message", async () => {
    const sent = await bodySent(
      call({
        messages: [
          { role: "user", content: "First." },
          { role: "user", content: "Second." },
          {
            role: "assistant",
            content: "",
            tool_calls: [
              { id: "toolu_a", type: "function", function: { name: "f", arguments: '{"x":1}' } },
              { id: "toolu_b", type: "function", function: { name: "g", arguments: "" } },
            ],
          },
          { role: "tool", tool_call_id: "toolu_a", content: "one" },
          {
            role: "tool",
            tool_call_id: "toolu_b",
            content: [{ type: "text", text: "two" }],
          },
          { role: "user", content: "And now?" },
        ],
      }),
    );
    expect(sent?.messages).toEqual([
      {
        role: "user",
        content: [
          { type: "text", text: "First." },
          { type: "text", text: "Second." },
        ],
      },
      {
        role: "assistant",
        content: [
          { type: "tool_use", id: "toolu_a", name: "f", input: { x: 1 } },
          { type: "tool_use", id: "toolu_b", name: "g", input: {} },
        ],
      },
      {
        role: "user",
        content: [
          { type: "tool_result", tool_use_id: "toolu_a", content: "one" },
          { type: "tool_result", tool_use_id: "toolu_b", content: [{ type: "text", text: "two" }] },
          { type: "text", text: "And now?" },
        ],
      },
    ]);
  });

  it("tool call arguments that are not a JSON object are a BadRequestError naming them", async () => {
    const error = await failure(
      call({
        messages: [
          ...messages,
          {
            role: "assistant",
            content: null,
            tool_calls: [{ id: "t", type: "function", function: { name: "f", arguments: "{x" } }],
          },
        ],
      }),
    );
    expect(error).toBeInstanceOf(BadRequestError);
    expect((error as BadRequestError).issues?.[0]?.path).toBe(
      "messages[1].tool_calls[0].function.arguments",
    );
  });

  it("keeps cache_control on content parts, messages and tools (prompt caching)", async () => {
    const ephemeral = { type: "ephemeral" };
    const sent = await bodySent(
      call({
        messages: [
          {
            role: "system",
            content: [{ type: "text", text: "A long manual.", cache_control: ephemeral }],
          },
          { role: "user", content: "Question?", cache_control: ephemeral },
        ],
        tools: [{ type: "function", function: { name: "f" }, cache_control: ephemeral }],
      }),
    );
    expect(sent?.system).toEqual([
      { type: "text", text: "A long manual.", cache_control: ephemeral },
    ]);
    expect(sent?.messages).toEqual([
      { role: "user", content: [{ type: "text", text: "Question?", cache_control: ephemeral }] },
    ]);
    expect(sent?.tools).toEqual([
      { name: "f", input_schema: { type: "object", properties: {} }, cache_control: ephemeral },
    ]);
  });

  it("sends extraBody keys as they are, last: Anthropic's own parameters win", async () => {
    const thinking = { type: "enabled", budget_tokens: 10_000 };
    const sent = await bodySent(
      call({ reasoning_effort: "low", max_tokens: 20_000, extraBody: { top_k: 40, thinking } }),
    );
    expect(sent?.top_k).toBe(40);
    expect(sent?.thinking).toEqual(thinking);
  });

  it.each([
    ["seed", { seed: 7 }],
    ["presence_penalty", { presence_penalty: 0.5 }],
    ["frequency_penalty", { frequency_penalty: 0.5 }],
    ["logit_bias", { logit_bias: { "50256": -100 } }],
    ["logprobs", { logprobs: true }],
    ["metadata", { metadata: { a: "b" } }],
  ])(
    "%s is a BadRequestError naming it and anthropic/, before any request",
    async (name, extra) => {
      const error = await failure(call(extra));
      expect(error).toBeInstanceOf(BadRequestError);
      expect((error as Error).message).toContain(`\`${name}\``);
      expect((error as Error).message).toContain("anthropic/");
      expect((error as BadRequestError).provider).toBe("anthropic");
      expect(server.requests).toHaveLength(0);
    },
  );

  it("a tool_choice with no Anthropic equivalent is a BadRequestError naming it", async () => {
    const error = await failure(
      call({
        tools: [{ type: "function", function: { name: "f" } }],
        tool_choice: { type: "allowed_tools" },
      }),
    );
    expect(error).toBeInstanceOf(BadRequestError);
    expect((error as BadRequestError).issues?.[0]?.path).toBe("tool_choice");
    expect(server.requests).toHaveLength(0);
  });

  it("embedding() is a BadRequestError: Anthropic has no embeddings endpoint", async () => {
    const error = await embedding({
      model: "anthropic/claude-sonnet-4-5",
      input: "hi",
      apiKey: KEY,
      apiBase: server.origin,
    }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(BadRequestError);
    expect((error as Error).message).toContain("anthropic/ provider has no embeddings endpoint");
    expect(server.requests).toHaveLength(0);
  });

  it("n: 2 is a BadRequestError (one answer per request); n: 1 is fine", async () => {
    const error = await failure(call({ n: 2 }));
    expect(error).toBeInstanceOf(BadRequestError);
    expect((error as BadRequestError).issues?.[0]?.path).toBe("n");
    expect(server.requests).toHaveLength(0);
    expect(await bodySent(call({ n: 1 }))).not.toHaveProperty("n");
  });

  it("a stream sends stream: true and never stream_options", async () => {
    server.handle((_, response) =>
      sendEvents(response, streamBody("sdk-python-basic_response.sse").toString()),
    );
    await collect(
      await completion({ ...call(), stream: true, stream_options: { include_usage: true } }),
    );
    const sent = lastRequest().json;
    expect(sent?.stream).toBe(true);
    expect(sent).not.toHaveProperty("stream_options");
  });
});

describe("the answer", () => {
  async function answer(body: Record<string, unknown>, extra: Partial<CompletionParams> = {}) {
    server.handle((_, response) => sendJson(response, 200, body, { "request-id": "req_test" }));
    return completion({ ...call(extra), stream: false });
  }

  it("text -> content, end_turn -> stop, usage, id and model, object and created", async () => {
    const before = Math.floor(Date.now() / 1000);
    const response = await answer(textAnswer);
    expect(JSON.parse(JSON.stringify(response))).toEqual({
      id: "msg_01VdEjxAP5ahtHKrrRdNBteQ",
      object: "chat.completion",
      created: expect.any(Number),
      model: "claude-sonnet-4-5-20250929",
      choices: [
        {
          index: 0,
          message: {
            role: "assistant",
            content:
              "Hello! I'm doing well, thanks for asking. How are you doing today? Is there anything I can help you with?",
          },
          finish_reason: "stop",
          logprobs: null,
        },
      ],
      usage: {
        prompt_tokens: 12,
        completion_tokens: 29,
        total_tokens: 41,
        prompt_tokens_details: { cached_tokens: 0, cache_creation_tokens: 0 },
        cache_creation_input_tokens: 0,
        cache_read_input_tokens: 0,
      },
    });
    expect(response.created).toBeGreaterThanOrEqual(before);
    expect(response._hidden_params.provider).toBe("anthropic");
  });

  it("thinking -> reasoning_content and signed thinking_blocks; tool_use -> tool_calls", async () => {
    const response = await answer(readJsonFixture("vercel-issue-13430-thinking-tool-call.json"));
    const choice = response.choices[0];
    expect(choice?.finish_reason).toBe("tool_calls");
    expect(choice?.message.content).toBeNull();
    expect(choice?.message.reasoning_content).toBe(
      "The user wants me to call checkSandboxErrors immediately.",
    );
    expect(choice?.message.thinking_blocks).toEqual([
      {
        type: "thinking",
        thinking: "The user wants me to call checkSandboxErrors immediately.",
        signature: expect.stringMatching(/^Eq4CCpIBCBIYAipAM\+SG.*AQ==$/),
      },
    ]);
    expect(choice?.message.tool_calls).toEqual([
      {
        id: "toolu_017R7ACrx7NF7sLDDtvdQ1u9",
        type: "function",
        function: { name: "checkSandboxErrors", arguments: "{}" },
      },
    ]);
    expect(response.usage).toMatchObject({
      prompt_tokens: 599,
      completion_tokens: 59,
      total_tokens: 658,
      completion_tokens_details: { reasoning_tokens: 18 },
    });
  });

  it("thinking and text", async () => {
    const response = await answer(readJsonFixture("vercel-anthropic-clear-thinking.1.json"));
    expect(response.choices[0]?.message).toMatchObject({
      content: "925 ÷ 5 = 185",
      reasoning_content: "925 divided by 5 = 185",
      thinking_blocks: [{ type: "thinking", thinking: "925 divided by 5 = 185" }],
    });
  });

  it("text and a tool call without arguments", async () => {
    const response = await answer(readJsonFixture("vercel-anthropic-tool-no-args.json"));
    expect(response.choices[0]?.message.content).toContain(
      "Okay, I will update the current issue list:",
    );
    expect(response.choices[0]?.message.tool_calls).toEqual([
      {
        id: "toolu_01LRmxn9vGM1d2DZSDBowdZ1",
        type: "function",
        function: { name: "updateIssueList", arguments: "{}" },
      },
    ]);
  });

  it("refusal -> content_filter, with no content", async () => {
    const response = await answer(readJsonFixture("vercel-anthropic-refusal.json"));
    expect(response.choices[0]?.finish_reason).toBe("content_filter");
    expect(response.choices[0]?.message.content).toBeNull();
  });

  it.each([
    ["end_turn", "stop"],
    ["stop_sequence", "stop"],
    ["max_tokens", "length"],
    ["tool_use", "tool_calls"],
    ["refusal", "content_filter"],
    ["pause_turn", "pause_turn"],
  ])("stop_reason %s -> finish_reason %s", async (stopReason, finishReason) => {
    const response = await answer({ ...textAnswer, stop_reason: stopReason });
    expect(response.choices[0]?.finish_reason).toBe(finishReason);
  });

  it("cache reads and writes: prompt_tokens counts them all, cached_tokens the reads", async () => {
    // The Message the recorded prompt-caching stream adds up to.
    const cached = accumulateMessage(
      eventsOf(streamBody("vercel-anthropic-code-execution-20260120-prompt-cache.1.chunks.txt")),
    );
    const response = await answer(cached);
    expect(response.usage).toEqual({
      prompt_tokens: 6 + 3337 + 6289,
      completion_tokens: 198,
      total_tokens: 6 + 3337 + 6289 + 198,
      prompt_tokens_details: { cached_tokens: 6289, cache_creation_tokens: 3337 },
      completion_tokens_details: { reasoning_tokens: 0 },
      cache_creation_input_tokens: 3337,
      cache_read_input_tokens: 6289,
    });
    // Server tool blocks (code execution) have no OpenAI equivalent; the text is the answer.
    expect(response.choices[0]?.message.content).toBe(
      "The sum of the squares of the numbers 1 through 12 is **650**.",
    );
    expect(response.choices[0]?.message.tool_calls).toBeUndefined();
  });

  it("a 200 that is no Message is an APIError, not a parse failure", async () => {
    server.handle((_, response) => sendJson(response, 200, { hello: "world" }));
    const error = await failure(call());
    expect(error).toBeInstanceOf(APIError);
    expect((error as Error).message).toContain("chat.completion");
  });

  it("listModels maps Anthropic's model list", async () => {
    server.handle((_, response) =>
      sendJson(response, 200, {
        data: [
          {
            type: "model",
            id: "claude-sonnet-4-5-20250929",
            display_name: "Claude Sonnet 4.5",
            created_at: "2025-09-29T00:00:00Z",
          },
        ],
        has_more: false,
        first_id: "claude-sonnet-4-5-20250929",
        last_id: "claude-sonnet-4-5-20250929",
      }),
    );
    const models = await listModels({ provider: "anthropic", apiKey: KEY, apiBase: server.origin });
    expect(models).toEqual([
      {
        type: "model",
        id: "claude-sonnet-4-5-20250929",
        display_name: "Claude Sonnet 4.5",
        created_at: "2025-09-29T00:00:00Z",
        object: "model",
        created: Date.parse("2025-09-29T00:00:00Z") / 1000,
        owned_by: "anthropic",
      },
    ]);
    const request = lastRequest();
    expect(request.method).toBe("GET");
    expect(request.url).toBe("/v1/models?limit=1000");
    expect(request.headers["x-api-key"]).toBe(KEY);
  });
});

describe("errors", () => {
  const errors = readJsonFixture("errors.json") as Record<
    string,
    { status: number; headers?: Record<string, string>; body: { error: { message: string } } }
  >;

  function answerWith(name: string) {
    const recorded = errors[name];
    if (recorded === undefined) throw new Error(`no error fixture ${name}`);
    server.handle((_, response) =>
      sendJson(response, recorded.status, recorded.body, recorded.headers),
    );
    return recorded;
  }

  it.each([
    ["invalid_request_error", BadRequestError, false],
    ["prompt_too_long", ContextWindowExceededError, false],
    ["authentication_error", AuthenticationError, false],
    ["permission_error", PermissionDeniedError, false],
    ["not_found_error", NotFoundError, false],
    ["request_too_large", APIError, false],
    ["rate_limit_error", RateLimitError, true],
    ["api_error", InternalServerError, true],
  ])("%s -> %O (retryable %s)", async (name, ErrorClass, retryable) => {
    const recorded = answerWith(name);
    const error = await failure(call());
    expect(error).toBeInstanceOf(ErrorClass);
    const apiError = error as APIError;
    expect(apiError.status).toBe(recorded.status);
    expect(apiError.type).toBe(name === "prompt_too_long" ? "invalid_request_error" : name);
    expect(apiError.isRetryable).toBe(retryable);
    expect(apiError.message).toContain(recorded.body.error.message);
    expect(apiError.message).toContain(`anthropic/claude-sonnet-4-5: ${recorded.status}`);
    expect(apiError.provider).toBe("anthropic");
    expect(JSON.stringify(apiError)).not.toContain(KEY);
    expect(apiError.attempts).toBe(1);
  });

  it("429 rate_limit_error: retried after retry-after, then answered", async () => {
    let requests = 0;
    server.handle((_, response) => {
      requests++;
      if (requests === 1) {
        const recorded = errors.rate_limit_error!;
        sendJson(response, recorded.status, recorded.body, recorded.headers);
      } else sendJson(response, 200, textAnswer);
    });
    const response = await completion({ ...call({ maxRetries: 1 }), stream: false });
    expect(response.choices[0]?.finish_reason).toBe("stop");
    expect(response._hidden_params.attempts).toBe(2);
  });

  it("529 overloaded_error is retryable, with its type and status", async () => {
    answerWith("overloaded_error");
    const error = (await failure(call())) as APIError;
    expect(error).toBeInstanceOf(APIError);
    expect(error.status).toBe(529);
    expect(error.type).toBe("overloaded_error");
    expect(error.isRetryable).toBe(true);
    expect(error.message).toContain("Overloaded");
  });

  // SPEC: overloaded_error (529) is a ServiceUnavailableError.
  it("529 overloaded_error is a ServiceUnavailableError", async () => {
    answerWith("overloaded_error");
    expect(await failure(call())).toBeInstanceOf(ServiceUnavailableError);
  });
});

describe("tool use over two turns", () => {
  const tools: CompletionParams["tools"] = [
    { type: "function", function: { name: "checkSandboxErrors", parameters: { type: "object" } } },
  ];

  /** The assistant message of an answer, as a caller sends it back in the next turn. */
  function assistantTurn(response: ModelResponse): Message {
    const message = response.choices[0]!.message;
    return {
      role: "assistant",
      content: message.content,
      tool_calls: message.tool_calls?.flatMap((toolCall) =>
        toolCall.type === "function" ? [toolCall] : [],
      ),
      thinking_blocks: message.thinking_blocks,
    };
  }

  it("the second request carries the first answer's signed thinking block and tool_use back", async () => {
    const first = readJsonFixture("vercel-issue-13430-thinking-tool-call.json");
    const answers = [first, textAnswer];
    server.handle((_, response) => sendJson(response, 200, answers.shift()));
    const question: Message = { role: "user", content: "Check the sandbox for errors." };
    const response = await completion({
      ...call({ messages: [question], tools, reasoning_effort: "low" }),
      stream: false,
    });
    const toolCall = response.choices[0]!.message.tool_calls![0]!;
    await completion({
      ...call({
        messages: [
          question,
          assistantTurn(response),
          { role: "tool", tool_call_id: toolCall.id, content: "No errors." },
        ],
        tools,
        reasoning_effort: "low",
      }),
      stream: false,
    });
    const second = server.requests[1]!;
    const [thinking, toolUse] = (first.content as Record<string, unknown>[]).map((block) => ({
      ...block,
    }));
    delete toolUse?.caller;
    expect(second.json?.messages).toEqual([
      { role: "user", content: "Check the sandbox for errors." },
      { role: "assistant", content: [thinking, toolUse] },
      {
        role: "user",
        content: [
          {
            type: "tool_result",
            tool_use_id: "toolu_017R7ACrx7NF7sLDDtvdQ1u9",
            content: "No errors.",
          },
        ],
      },
    ]);
    expect(second.json?.thinking).toEqual({ type: "enabled", budget_tokens: 1024 });
  });

  it("a streamed first turn: the tool call rebuilt from input_json_delta pieces goes back as tool_use", async () => {
    const bodies = [streamBody("sdk-python-tool_use_response.sse").toString()];
    server.handle((_, response) => {
      const body = bodies.shift();
      if (body === undefined) sendJson(response, 200, textAnswer);
      else sendEvents(response, body);
    });
    const question: Message = { role: "user", content: "What is the weather in Paris?" };
    const chunks = await collect(
      await completion({ ...call({ messages: [question] }), stream: true }),
    );
    const rebuilt = streamChunkBuilder(chunks);
    const toolCall = rebuilt.choices[0]!.message.tool_calls![0]!;
    await completion({
      ...call({
        messages: [
          question,
          assistantTurn(rebuilt),
          { role: "tool", tool_call_id: toolCall.id, content: "18°C, sunny" },
        ],
      }),
      stream: false,
    });
    const second = server.requests[1]!;
    expect(second.json?.messages).toEqual([
      { role: "user", content: "What is the weather in Paris?" },
      {
        role: "assistant",
        content: [
          { type: "text", text: "I'll check the current weather in Paris for you." },
          {
            type: "tool_use",
            id: "toolu_01NRLabsLyVHZPKxbKvkfSMn",
            name: "get_weather",
            input: { location: "Paris" },
          },
        ],
      },
      {
        role: "user",
        content: [
          {
            type: "tool_result",
            tool_use_id: "toolu_01NRLabsLyVHZPKxbKvkfSMn",
            content: "18°C, sunny",
          },
        ],
      },
    ]);
  });

  it("redacted thinking blocks go back as they came; one without a signature is a BadRequestError", async () => {
    const sent = await bodySent(
      call({
        messages: [
          ...messages,
          {
            role: "assistant",
            content: "Hi.",
            thinking_blocks: [{ type: "redacted_thinking", data: "EmwKAhgBEgy3va3pzix" }],
          },
          { role: "user", content: "Go on." },
        ],
      }),
    );
    expect((sent?.messages as unknown[] | undefined)?.[1]).toEqual({
      role: "assistant",
      content: [
        { type: "redacted_thinking", data: "EmwKAhgBEgy3va3pzix" },
        { type: "text", text: "Hi." },
      ],
    });
    const error = await failure(
      call({
        messages: [
          ...messages,
          {
            role: "assistant",
            content: "Hi.",
            thinking_blocks: [{ type: "thinking", thinking: "x" }],
          },
        ],
      }),
    );
    expect((error as BadRequestError).issues?.[0]?.path).toBe("messages[1].thinking_blocks[0]");
  });
});

describe("createAnthropicProvider", () => {
  it("registers the protocol under another prefix, base, key variable and headers", async () => {
    vi.stubEnv("OTHER_CLAUDE_KEY", "other-key");
    registerProvider(
      createAnthropicProvider({
        id: "other-claude",
        defaultApiBase: `${server.origin}/anthropic`,
        apiKeyEnv: ["OTHER_CLAUDE_KEY"],
        headers: { "anthropic-beta": "context-1m-2025-08-07" },
      }),
    );
    server.handle((_, response) => sendJson(response, 200, textAnswer));
    const response = await completion({ model: "other-claude/claude-sonnet-4-5", messages });
    expect(response._hidden_params.provider).toBe("other-claude");
    const request = lastRequest();
    expect(request.url).toBe("/anthropic/v1/messages");
    expect(request.headers["x-api-key"]).toBe("other-key");
    expect(request.headers["anthropic-beta"]).toBe("context-1m-2025-08-07");
    expect(request.headers["anthropic-version"]).toBe("2023-06-01");
  });
});
