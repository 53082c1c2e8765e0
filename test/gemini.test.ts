/**
 * gemini/: requests, answers, errors, embeddings and model lists, against recorded Gemini API
 * bodies (test/fixtures/gemini/README.md) replayed byte for byte from a local server.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import {
  type APIError,
  AuthenticationError,
  BadRequestError,
  ContentPolicyViolationError,
  completion,
  type EmbeddingParams,
  embedding,
  InternalServerError,
  imageGeneration,
  listModels,
  NotFoundError,
  PermissionDeniedError,
  RateLimitError,
  registerProvider,
  ServiceUnavailableError,
} from "../src/index.js";
import { createGeminiProvider, gemini } from "../src/providers/gemini/gemini-provider.js";
import { fixtureJson, fixtureText } from "./fixtures/gemini/load-fixture.js";
import { type RecordedRequest, useTestServer } from "./helpers/server.js";

registerProvider(gemini);

const KEY = "AIzaSy-test-key-not-real-0123456789";
const server = useTestServer();

beforeEach(() => {
  for (const name of ["GEMINI_API_KEY", "GOOGLE_API_KEY", "GEMINI_API_BASE"]) vi.stubEnv(name, "");
});
afterEach(() => vi.unstubAllEnvs());

/** Answers every request with a recorded body, byte for byte. */
function replay(name: string, status = 200): void {
  const text = fixtureText(name);
  server.handle((_, response) => {
    response.writeHead(status, { "content-type": "application/json; charset=UTF-8" });
    response.end(text);
  });
}

/** The client options of every call here: the key, the local server as the API's root. */
const options = () => ({ apiKey: KEY, apiBase: server.origin, maxRetries: 0 });

const hi = [{ role: "user" as const, content: "Hi" }];

/**
 * The request the server got last. The server logs a request before answering it, so once a call
 * has settled its request is here.
 */
function lastRequest(): RecordedRequest {
  const request = server.requests.at(-1);
  if (request === undefined) throw new Error("the server got no request");
  return request;
}

/** Makes a call answered by `fixture` and resolves to the body the server received. */
async function sentBody(params: Record<string, unknown>, fixture = "cached-tokens.body") {
  replay(fixture);
  await completion({ model: "gemini/gemini-2.5-flash", messages: hi, ...options(), ...params });
  return lastRequest().json;
}

describe("gemini/ request", () => {
  it("POSTs to /v1beta/models/{model}:generateContent, the key only in x-goog-api-key", async () => {
    replay("cached-tokens.body");
    await completion({ model: "gemini/gemini-2.5-flash", messages: hi, ...options() });
    const request = lastRequest();
    expect(request.method).toBe("POST");
    expect(request.url).toBe("/v1beta/models/gemini-2.5-flash:generateContent");
    expect(request.headers["x-goog-api-key"]).toBe(KEY);
    expect(request.headers.authorization).toBeUndefined();
    expect(request.headers["content-type"]).toBe("application/json");
    expect(request.headers["user-agent"]).toMatch(/^llmux\//);
    expect(request.url).not.toContain(KEY);
    expect(request.body).not.toContain(KEY);
    expect(request.json).toEqual({ contents: [{ role: "user", parts: [{ text: "Hi" }] }] });
  });

  it("takes the API's root as the base, with or without /v1beta, and keeps a base's query", async () => {
    replay("cached-tokens.body");
    for (const apiBase of [server.origin, `${server.origin}/`, `${server.origin}/v1beta`]) {
      await completion({ model: "gemini/gemini-2.5-flash", messages: hi, ...options(), apiBase });
      expect(lastRequest().url).toBe("/v1beta/models/gemini-2.5-flash:generateContent");
    }
    await completion({
      model: "gemini/gemini-2.5-flash",
      messages: hi,
      ...options(),
      apiBase: `${server.origin}/gateway?team=a`,
    });
    expect(lastRequest().url).toBe(
      "/gateway/v1beta/models/gemini-2.5-flash:generateContent?team=a",
    );
  });

  it("takes a model id that is already a resource name (models/..., tunedModels/...) as it is", async () => {
    replay("cached-tokens.body");
    for (const [model, path] of [
      ["models/gemini-2.5-flash", "/v1beta/models/gemini-2.5-flash"],
      ["tunedModels/my-model-7", "/v1beta/tunedModels/my-model-7"],
      ["gemini 2.5?", "/v1beta/models/gemini%202.5%3F"],
    ]) {
      await completion({ model: `gemini/${model}`, messages: hi, ...options() });
      expect(lastRequest().url).toBe(`${path}:generateContent`);
    }
  });

  it("reads GEMINI_API_KEY, then GOOGLE_API_KEY, and GEMINI_API_BASE", async () => {
    replay("cached-tokens.body");
    vi.stubEnv("GEMINI_API_BASE", server.origin);
    vi.stubEnv("GOOGLE_API_KEY", "from-google");
    await completion({ model: "gemini/gemini-2.5-flash", messages: hi });
    expect(lastRequest().headers["x-goog-api-key"]).toBe("from-google");
    vi.stubEnv("GEMINI_API_KEY", "from-gemini");
    await completion({ model: "gemini/gemini-2.5-flash", messages: hi });
    expect(lastRequest().headers["x-goog-api-key"]).toBe("from-gemini");
  });

  it("without a key: AuthenticationError naming the variables, no request", async () => {
    const call = completion({
      model: "gemini/gemini-2.5-flash",
      messages: hi,
      apiBase: server.origin,
    });
    await expect(call).rejects.toThrow(AuthenticationError);
    await expect(call).rejects.toThrow(/GEMINI_API_KEY.*GOOGLE_API_KEY/);
    expect(server.requests).toHaveLength(0);
  });

  it("createGeminiProvider: the same protocol under another prefix, base and headers", async () => {
    registerProvider(
      createGeminiProvider({
        id: "cometapi-gemini",
        defaultApiBase: server.origin,
        apiKeyEnv: ["COMETAPI_KEY"],
        headers: { "x-team": "blue" },
      }),
    );
    vi.stubEnv("COMETAPI_KEY", "sk-comet");
    replay("cached-tokens.body");
    await completion({ model: "cometapi-gemini/gemini-2.5-flash", messages: hi });
    const request = lastRequest();
    expect(request.url).toBe("/v1beta/models/gemini-2.5-flash:generateContent");
    expect(request.headers["x-goog-api-key"]).toBe("sk-comet");
    expect(request.headers["x-team"]).toBe("blue");
  });

  it("maps the roles: system and developer -> systemInstruction, assistant -> model, turns merged", async () => {
    const body = await sentBody({
      messages: [
        { role: "system", content: "Be brief." },
        { role: "developer", content: [{ type: "text", text: "Answer in French." }] },
        { role: "user", content: "Hello" },
        { role: "user", content: [{ type: "text", text: "How are you?" }] },
        { role: "assistant", content: "Bien." },
        { role: "user", content: "Merci" },
      ],
    });
    expect(body).toEqual({
      systemInstruction: { parts: [{ text: "Be brief." }, { text: "Answer in French." }] },
      contents: [
        { role: "user", parts: [{ text: "Hello" }, { text: "How are you?" }] },
        { role: "model", parts: [{ text: "Bien." }] },
        { role: "user", parts: [{ text: "Merci" }] },
      ],
    });
  });

  it("maps images: a data URL -> inlineData, an http(s) URL -> fileData; audio and files", async () => {
    // The 1x1 red PNG of rig's recorded image exchange (README.md).
    const png =
      "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8DwHwAFBQIAX8jx0gAAAABJRU5ErkJggg==";
    const body = await sentBody({
      messages: [
        {
          role: "user",
          content: [
            { type: "text", text: "What is the dominant color?" },
            { type: "image_url", image_url: { url: `data:image/png;base64,${png}` } },
            { type: "image_url", image_url: { url: "https://example.com/cat.JPG?size=2" } },
            { type: "image_url", image_url: { url: "https://example.com/image", detail: "low" } },
            { type: "input_audio", input_audio: { data: "UklGRg==", format: "wav" } },
            { type: "file", file: { file_data: "data:application/pdf;base64,JVBERi0=" } },
            {
              type: "file",
              file: { file_id: "https://generativelanguage.googleapis.com/v1beta/files/abc" },
            },
          ],
        },
      ],
    });
    expect(body?.contents).toEqual([
      {
        role: "user",
        parts: [
          { text: "What is the dominant color?" },
          { inlineData: { mimeType: "image/png", data: png } },
          { fileData: { mimeType: "image/jpeg", fileUri: "https://example.com/cat.JPG?size=2" } },
          { fileData: { fileUri: "https://example.com/image" } },
          { inlineData: { mimeType: "audio/wav", data: "UklGRg==" } },
          { inlineData: { mimeType: "application/pdf", data: "JVBERi0=" } },
          { fileData: { fileUri: "https://generativelanguage.googleapis.com/v1beta/files/abc" } },
        ],
      },
    ]);
  });

  it("an image URL Gemini cannot read is a BadRequestError naming it, no request", async () => {
    const call = completion({
      model: "gemini/gemini-2.5-flash",
      messages: [{ role: "user", content: [{ type: "image_url", image_url: "ftp://x/y.png" }] }],
      ...options(),
    });
    await expect(call).rejects.toThrow(BadRequestError);
    await expect(call).rejects.toThrow(
      /gemini\/gemini-2\.5-flash: `messages\[0\]\.content\[0\]\.image_url\.url`/,
    );
    expect(server.requests).toHaveLength(0);
  });

  it.each([
    ["not base64", "data:text/plain,hello", "is a data URL that is not base64"],
    [
      "base64 not last (RFC 2397: no encoding)",
      "data:image/png;base64;x=y,AA",
      "is a data URL that is not base64",
    ],
  ])("a data URL that is %s is a BadRequestError, no request", async (_, url, problem) => {
    const call = completion({
      model: "gemini/gemini-2.5-flash",
      messages: [{ role: "user", content: [{ type: "image_url", image_url: { url } }] }],
      ...options(),
    });
    await expect(call).rejects.toThrow(BadRequestError);
    await expect(call).rejects.toThrow(problem);
    expect(server.requests).toHaveLength(0);
  });

  it("a data URL with parameters before base64 (charset, name) is inline data", async () => {
    const body = await sentBody({
      messages: [
        {
          role: "user",
          content: [
            { type: "image_url", image_url: { url: "data:image/png;name=a.png;BASE64,AA==" } },
          ],
        },
      ],
    });
    expect(body?.contents).toEqual([
      { role: "user", parts: [{ inlineData: { mimeType: "image/png", data: "AA==" } }] },
    ]);
  });

  it("maps the sampling parameters to generationConfig", async () => {
    const body = await sentBody({
      temperature: 0.2,
      top_p: 0.9,
      max_tokens: 100,
      stop: "END",
      n: 2,
      presence_penalty: 0.5,
      frequency_penalty: -0.5,
      seed: 42,
    });
    expect(body?.generationConfig).toEqual({
      temperature: 0.2,
      topP: 0.9,
      maxOutputTokens: 100,
      stopSequences: ["END"],
      candidateCount: 2,
      presencePenalty: 0.5,
      frequencyPenalty: -0.5,
      seed: 42,
    });
    const second = await sentBody({
      max_tokens: 100,
      max_completion_tokens: 300,
      stop: ["a", "b"],
    });
    expect(second?.generationConfig).toEqual({ maxOutputTokens: 300, stopSequences: ["a", "b"] });
  });

  it("response_format: json_object -> application/json; json_schema -> responseJsonSchema", async () => {
    expect(
      (await sentBody({ response_format: { type: "json_object" } }))?.generationConfig,
    ).toEqual({ responseMimeType: "application/json" });
    const schema = {
      type: "object",
      properties: { title: { type: "string" }, tags: { type: "array", items: { type: "string" } } },
      required: ["title"],
      additionalProperties: false,
    };
    const body = await sentBody({
      response_format: {
        type: "json_schema",
        json_schema: { name: "event", schema, strict: true },
      },
    });
    expect(body?.generationConfig).toEqual({
      responseMimeType: "application/json",
      responseJsonSchema: schema,
    });
    expect(
      (await sentBody({ response_format: { type: "text" } }))?.generationConfig,
    ).toBeUndefined();
  });

  it("answers a json_schema call with the JSON text as content (recorded)", async () => {
    replay("structured-output.body");
    const response = await completion({
      model: "gemini/gemini-3-flash-preview",
      messages: [{ role: "user", content: "Return a concise event object." }],
      response_format: {
        type: "json_schema",
        json_schema: { name: "event", schema: { type: "object" } },
      },
      ...options(),
    });
    expect(JSON.parse(response.choices[0]?.message.content ?? "")).toMatchObject({
      title: "Seattle Rust User Group Meetup",
    });
  });

  it("reasoning_effort -> thinkingConfig: a budget before Gemini 3, a level from Gemini 3 on", async () => {
    expect((await sentBody({ reasoning_effort: "low" }))?.generationConfig).toEqual({
      thinkingConfig: { thinkingBudget: 1024, includeThoughts: true },
    });
    expect((await sentBody({ reasoning_effort: "none" }))?.generationConfig).toEqual({
      thinkingConfig: { thinkingBudget: 0, includeThoughts: false },
    });
    replay("cached-tokens.body");
    await completion({
      model: "gemini/gemini-3-pro-preview",
      messages: hi,
      reasoning_effort: "high",
      ...options(),
    });
    expect(lastRequest().json?.generationConfig).toEqual({
      thinkingConfig: { thinkingLevel: "high", includeThoughts: true },
    });
    const call = completion({
      model: "gemini/gemini-2.5-flash",
      messages: hi,
      reasoning_effort: "turbo",
      ...options(),
    });
    await expect(call).rejects.toThrow(/`reasoning_effort` "turbo" is not an effort/);
    expect(server.requests).toHaveLength(3);
  });

  it("maps tools to functionDeclarations (parameters as JSON Schema) and tool_choice to toolConfig", async () => {
    const parameters = {
      type: "object",
      properties: { city: { type: "string", description: "City name" } },
      required: ["city"],
      additionalProperties: false,
    };
    const tools = [
      {
        type: "function",
        function: { name: "get_weather", description: "Weather now", parameters, strict: true },
      },
      { type: "function", function: { name: "now" } },
    ];
    const body = await sentBody({ tools, tool_choice: "auto" });
    expect(body?.tools).toEqual([
      {
        functionDeclarations: [
          { name: "get_weather", description: "Weather now", parametersJsonSchema: parameters },
          { name: "now" },
        ],
      },
    ]);
    expect(body?.toolConfig).toEqual({ functionCallingConfig: { mode: "AUTO" } });
    const modes: [unknown, unknown][] = [
      ["none", { mode: "NONE" }],
      ["required", { mode: "ANY" }],
      [
        { type: "function", function: { name: "now" } },
        { mode: "ANY", allowedFunctionNames: ["now"] },
      ],
    ];
    for (const [choice, config] of modes) {
      expect((await sentBody({ tools, tool_choice: choice }))?.toolConfig).toEqual({
        functionCallingConfig: config,
      });
    }
  });

  it("a tool type Gemini cannot declare is a BadRequestError, no request", async () => {
    const call = completion({
      model: "gemini/gemini-2.5-flash",
      messages: hi,
      tools: [{ type: "custom" }],
      ...options(),
    });
    await expect(call).rejects.toThrow(
      /`tools\[0\]\.type` "custom" is not a tool the gemini\/ provider/,
    );
    expect(server.requests).toHaveLength(0);
  });

  it("extraBody: Gemini's own keys are sent, its generationConfig merged over the mapped one", async () => {
    const safetySettings = [{ category: "HARM_CATEGORY_HARASSMENT", threshold: "BLOCK_NONE" }];
    const body = await sentBody({
      temperature: 0.3,
      max_tokens: 50,
      extraBody: {
        safetySettings,
        generationConfig: { topK: 40, maxOutputTokens: 60 },
        tools: [{ googleSearch: {} }],
      },
    });
    expect(body).toMatchObject({
      safetySettings,
      generationConfig: { temperature: 0.3, maxOutputTokens: 60, topK: 40 },
      tools: [{ googleSearch: {} }],
    });
  });

  it.each([
    ["logprobs", true],
    ["user", "user-1"],
    ["parallel_tool_calls", false],
    ["logit_bias", { "50256": -100 }],
  ])("`%s` is a BadRequestError naming it and gemini/, no request", async (name, value) => {
    const call = completion({
      model: "gemini/gemini-2.5-flash",
      messages: hi,
      ...options(),
      [name]: value,
    });
    await expect(call).rejects.toThrow(BadRequestError);
    await expect(call).rejects.toThrow(
      new RegExp(`the gemini/ provider cannot honour \`${name}\``),
    );
    expect(server.requests).toHaveLength(0);
  });
});

describe("gemini/ answer", () => {
  it("maps text, usage with cached tokens, responseId and modelVersion", async () => {
    replay("cached-tokens.body");
    const response = await completion({
      model: "gemini/gemini-2.5-flash",
      messages: hi,
      ...options(),
    });
    expect(JSON.parse(JSON.stringify(response))).toEqual({
      id: "id_REDACTED_1",
      object: "chat.completion",
      created: expect.any(Number),
      model: "gemini-2.5-flash",
      choices: [
        {
          index: 0,
          message: { role: "assistant", content: "cache probe ready" },
          logprobs: null,
          finish_reason: "stop",
        },
      ],
      usage: {
        prompt_tokens: 4612,
        completion_tokens: 3,
        total_tokens: 4615,
        prompt_tokens_details: { cached_tokens: 3765 },
      },
    });
    expect(response._hidden_params.provider).toBe("gemini");
  });

  it("maps thinking: thought parts -> reasoning_content, thoughts counted as reasoning tokens", async () => {
    replay("tool-thinking-turn1.body");
    const response = await completion({
      model: "gemini/gemini-2.5-flash",
      messages: hi,
      reasoning_effort: "high",
      ...options(),
    });
    const message = response.choices[0]?.message;
    expect(message?.content).toBeNull();
    expect(message?.reasoning_content).toMatch(/^\*\*Analyzing the Weather Query for Tokyo\*\*/);
    expect(response.usage).toEqual({
      prompt_tokens: 144,
      completion_tokens: 15 + 91,
      total_tokens: 250,
      completion_tokens_details: { reasoning_tokens: 91 },
    });
  });

  it("maps function calls: JSON arguments, made ids, the thought signature kept, finish tool_calls", async () => {
    replay("parallel-tool-calls.body");
    const response = await completion({
      model: "gemini/gemini-2.5-flash",
      messages: hi,
      ...options(),
    });
    const choice = response.choices[0];
    expect(choice?.finish_reason).toBe("tool_calls");
    expect(choice?.message.tool_calls).toEqual([
      {
        id: expect.stringMatching(/^call_[0-9a-f]{24}$/),
        type: "function",
        function: { name: "add", arguments: '{"x":3,"y":4}' },
        extra_content: { google: { thought_signature: "signature_REDACTED_1" } },
      },
      {
        id: expect.stringMatching(/^call_[0-9a-f]{24}$/),
        type: "function",
        function: { name: "subtract", arguments: '{"x":10,"y":2}' },
      },
    ]);
    const [first, second] = choice?.message.tool_calls ?? [];
    expect(first?.id).not.toBe(second?.id);
  });

  it("maps candidates to choices by index (n: 2 -> candidateCount: 2)", async () => {
    replay("two-candidates.body");
    const response = await completion({
      model: "gemini/gemini-2.5-flash",
      messages: [
        { role: "user", content: "Name one primary colour. Answer with the single word." },
      ],
      n: 2,
      reasoning_effort: "minimal",
      ...options(),
    });
    expect(lastRequest().json?.generationConfig).toEqual({
      candidateCount: 2,
      thinkingConfig: { thinkingBudget: 512, includeThoughts: true },
    });
    expect(
      response.choices.map(({ index, message, finish_reason }) => [
        index,
        message.content,
        message.reasoning_content?.slice(0, 14),
        finish_reason,
      ]),
    ).toEqual([
      // Gemini's first candidate holds two thought-and-text pairs: their texts are joined.
      [0, "RedRed", "**My Thought P", "stop"],
      [1, "Red", "**My Immediate", "stop"],
    ]);
    expect(response.usage).toEqual({
      prompt_tokens: 12,
      completion_tokens: 84,
      total_tokens: 96,
      completion_tokens_details: { reasoning_tokens: 84 },
    });
  });

  it.each([
    ["max-tokens.body", "length"],
    ["finish-safety.body", "content_filter"],
  ])("%s: finish_reason %s", async (fixture, reason) => {
    replay(fixture);
    const response = await completion({
      model: "gemini/gemini-2.5-flash",
      messages: hi,
      ...options(),
    });
    expect(response.choices[0]?.finish_reason).toBe(reason);
    expect(response.choices[0]?.message.content).toBeTruthy();
  });

  it("a prompt blocked by promptFeedback.blockReason is a ContentPolicyViolationError, not retried", async () => {
    replay("prompt-blocked.body");
    const call = completion({
      model: "gemini/gemini-3.7-flash",
      messages: hi,
      ...options(),
      maxRetries: 2,
    });
    await expect(call).rejects.toThrow(ContentPolicyViolationError);
    const error = await call.catch((caught: unknown) => caught);
    expect(error).toMatchObject({
      status: 400,
      code: "content_filter",
      provider: "gemini",
      model: "gemini-3.7-flash",
      isRetryable: false,
      attempts: 1,
    });
    expect(String((error as Error).message)).toContain("blockReason PROHIBITED_CONTENT");
    expect(server.requests).toHaveLength(1);
  });
});

describe("gemini/ errors", () => {
  it.each([
    [
      "error-400-invalid-argument.body",
      400,
      BadRequestError,
      "Request contains an invalid argument.",
    ],
    ["error-400-api-key-invalid.body", 400, AuthenticationError, "API key not valid."],
    [
      "error-403-permission-denied.body",
      403,
      PermissionDeniedError,
      "The caller does not have permission",
    ],
    ["error-404-not-found.body", 404, NotFoundError, "is not found for API version v1beta"],
    ["error-429-resource-exhausted.body", 429, RateLimitError, "You exceeded your current quota"],
    ["error-500-internal.body", 500, InternalServerError, "An internal error has occurred."],
    ["error-503-unavailable.body", 503, ServiceUnavailableError, "The model is overloaded."],
  ])("%s -> %s %s", async (fixture, status, ErrorClass, text) => {
    replay(fixture, status);
    const call = completion({ model: "gemini/gemini-2.5-flash", messages: hi, ...options() });
    await expect(call).rejects.toThrow(ErrorClass);
    const error = (await call.catch((caught: unknown) => caught)) as APIError;
    expect(error.status).toBe(status);
    expect(error.code).toBe(status);
    expect(error.message).toContain(`gemini/gemini-2.5-flash: ${status} `);
    expect(error.message).toContain(text);
    expect(error.isRetryable).toBe(status === 429 || status >= 500);
    expect(JSON.stringify(error)).not.toContain(KEY);
  });

  it("RESOURCE_EXHAUSTED is retried as a rate limit, then answered", async () => {
    let calls = 0;
    const limited = fixtureText("error-429-resource-exhausted.body");
    const answer = fixtureText("cached-tokens.body");
    server.handle((_, response) => {
      calls++;
      response.writeHead(calls === 1 ? 429 : 200, {
        "content-type": "application/json; charset=UTF-8",
        "retry-after-ms": "1",
      });
      response.end(calls === 1 ? limited : answer);
    });
    const response = await completion({
      model: "gemini/gemini-2.5-flash",
      messages: hi,
      ...options(),
      maxRetries: 1,
    });
    expect(response.choices[0]?.message.content).toBe("cache probe ready");
    expect(response._hidden_params.attempts).toBe(2);
  });
});

describe("gemini/ embedding()", () => {
  it("POSTs :batchEmbedContents, one request per text, dimensions -> outputDimensionality", async () => {
    replay("embeddings-256.body");
    const texts = [
      "Rust values memory safety and predictable performance.",
      "Streaming responses arrive incrementally instead of all at once.",
      "Embeddings turn text into numeric vectors for similarity search.",
    ];
    const response = await embedding({
      model: "gemini/gemini-embedding-001",
      input: texts,
      dimensions: 256,
      ...options(),
    });
    const request = lastRequest();
    expect(request.url).toBe("/v1beta/models/gemini-embedding-001:batchEmbedContents");
    expect(request.headers["x-goog-api-key"]).toBe(KEY);
    expect(request.json).toEqual({
      requests: texts.map((text) => ({
        model: "models/gemini-embedding-001",
        content: { parts: [{ text }] },
        outputDimensionality: 256,
      })),
    });
    const recorded = fixtureJson("embeddings-256.body").embeddings as { values: number[] }[];
    expect(response.object).toBe("list");
    expect(response.data).toEqual(
      recorded.map(({ values }, index) => ({ object: "embedding", index, embedding: values })),
    );
    expect(response.data[0]?.embedding).toHaveLength(256);
    expect(response.usage).toBeUndefined();
    expect(response.model).toBe("gemini-embedding-001");
  });

  it("a string input is one request; usageMetadata -> usage; extraBody keys go in every request", async () => {
    replay("embeddings-usage.body");
    const response = await embedding({
      model: "gemini/gemini-embedding-2-preview",
      input: "sunny day at the beach",
      extraBody: { taskType: "RETRIEVAL_DOCUMENT" },
      ...options(),
    });
    expect(lastRequest().json).toEqual({
      requests: [
        {
          model: "models/gemini-embedding-2-preview",
          content: { parts: [{ text: "sunny day at the beach" }] },
          taskType: "RETRIEVAL_DOCUMENT",
        },
      ],
    });
    expect(response.data.map((item) => item.embedding)).toEqual([
      [0.5138951, 0.857853],
      [-0.5045317, -0.8633931],
    ]);
    expect(response.usage).toEqual({ prompt_tokens: 12, total_tokens: 12 });
  });

  const refused: [string, Omit<EmbeddingParams, "model">, RegExp][] = [
    ["token input", { input: [1, 2, 3] }, /`input` is not text/],
    ["base64", { input: "x", encoding_format: "base64" }, /`encoding_format` "base64"/],
    ["user", { input: "x", user: "u" }, /the gemini\/ provider cannot honour `user`/],
  ];
  it.each(refused)("%s is a BadRequestError, no request", async (_, params, message) => {
    const call = embedding({ model: "gemini/gemini-embedding-001", ...options(), ...params });
    await expect(call).rejects.toThrow(BadRequestError);
    await expect(call).rejects.toThrow(message);
    expect(server.requests).toHaveLength(0);
  });

  it("a 404 for an unknown embedding model is a NotFoundError", async () => {
    replay("error-404-not-found.body", 404);
    const call = embedding({ model: "gemini/no-such-embedding-model", input: "x", ...options() });
    await expect(call).rejects.toThrow(NotFoundError);
  });
});

describe("gemini/ listModels() and imageGeneration()", () => {
  it("lists GET /v1beta/models as OpenAI model objects, Gemini's fields kept", async () => {
    replay("models.body");
    const models = await listModels({ provider: "gemini", ...options() });
    const request = lastRequest();
    expect(request.method).toBe("GET");
    expect(request.url).toBe("/v1beta/models?pageSize=1000");
    expect(request.headers["x-goog-api-key"]).toBe(KEY);
    expect(models[0]).toMatchObject({
      id: "gemini-2.5-flash",
      object: "model",
      owned_by: "google",
      name: "models/gemini-2.5-flash",
      displayName: "Gemini 2.5 Flash",
      inputTokenLimit: 1048576,
    });
    expect(models).toHaveLength((fixtureJson("models.body").models as unknown[]).length);
  });

  it("imageGeneration() is a BadRequestError saying why, no request", async () => {
    const call = imageGeneration({ model: "gemini/imagen-4", prompt: "a cat", ...options() });
    await expect(call).rejects.toThrow(/the gemini\/ provider has no image generation/);
    expect(server.requests).toHaveLength(0);
  });
});
