import { afterEach, describe, expect, it, vi } from "vitest";
import packageJson from "../package.json" with { type: "json" };
import {
  AuthenticationError,
  BadRequestError,
  completion,
  createOpenAICompatibleProvider,
  embedding,
  imageGeneration,
  listModels,
  type ProviderAdapter,
  RateLimitError,
  registerProvider,
} from "../src/index.js";
import { collect, contentOf } from "./helpers/collect.js";
import { chatCompletionBody, helloWorldStream } from "./helpers/fixtures.js";
import { sendEvents, sendJson, useTestServer } from "./helpers/server.js";

const server = useTestServer();
afterEach(() => {
  server.requests.length = 0;
  vi.unstubAllEnvs();
});

/** A 401 answer rejects `run` with AuthenticationError, a 429 with RateLimitError. */
async function expectStatusMapping(run: () => Promise<unknown>): Promise<void> {
  server.handle((_, response) => sendJson(response, 401, { error: { message: "bad key" } }));
  await expect(run()).rejects.toBeInstanceOf(AuthenticationError);
  server.handle((_, response) => sendJson(response, 429, { error: { message: "slow" } }));
  await expect(run()).rejects.toBeInstanceOf(RateLimitError);
}

const client = () => ({ apiKey: "sk-more", apiBase: server.apiBase, maxRetries: 0 });

describe("embedding()", () => {
  const list = (embeddingValue: unknown) => ({
    object: "list",
    data: [{ object: "embedding", index: 0, embedding: embeddingValue }],
    model: "text-embedding-3-small",
    usage: { prompt_tokens: 2, total_tokens: 2 },
  });

  it("posts /embeddings and returns OpenAI's embedding list", async () => {
    server.handle((_, response) =>
      sendJson(response, 200, list([0.1, -0.2, 0.3]), { "x-request-id": "emb_1" }),
    );
    const response = await embedding({
      model: "cometapi/text-embedding-3-small",
      input: ["Hello", "world"],
      dimensions: 3,
      user: "u1",
      ...client(),
    });
    const request = server.requests[0]!;
    expect(request.method).toBe("POST");
    expect(request.url).toBe("/v1/embeddings");
    expect(request.headers.authorization).toBe("Bearer sk-more");
    expect(request.headers["user-agent"]).toBe(`llmux/${packageJson.version}`);
    expect(request.json).toEqual({
      model: "text-embedding-3-small",
      input: ["Hello", "world"],
      dimensions: 3,
      user: "u1",
    });
    expect(response.data[0]?.embedding).toEqual([0.1, -0.2, 0.3]);
    expect(response.usage?.total_tokens).toBe(2);
    expect(response._hidden_params.requestId).toBe("emb_1");
    expect(JSON.stringify(response)).not.toContain("_hidden_params");
  });

  it("returns a base64 embedding as sent", async () => {
    server.handle((_, response) => sendJson(response, 200, list("AACAPwAAAEA=")));
    const response = await embedding({
      model: "cometapi/text-embedding-3-small",
      input: "Hello",
      encoding_format: "base64",
      ...client(),
    });
    expect(server.requests[0]!.json!.encoding_format).toBe("base64");
    expect(response.data[0]?.embedding).toBe("AACAPwAAAEA=");
  });

  it("maps 401 and 429", async () => {
    await expectStatusMapping(() => embedding({ model: "cometapi/e", input: "x", ...client() }));
  });
});

describe("imageGeneration()", () => {
  it("posts /images/generations and returns the image list", async () => {
    server.handle((_, response) =>
      sendJson(response, 200, {
        created: 1_764_000_000,
        data: [{ url: "https://images.example/fox.png", revised_prompt: "A red fox in snow" }],
      }),
    );
    const response = await imageGeneration({
      model: "cometapi/dall-e-3",
      prompt: "A red fox",
      n: 1,
      size: "1024x1024",
      quality: "hd",
      style: "vivid",
      response_format: "url",
      ...client(),
    });
    expect(server.requests[0]!.url).toBe("/v1/images/generations");
    expect(server.requests[0]!.json).toEqual({
      model: "dall-e-3",
      prompt: "A red fox",
      n: 1,
      size: "1024x1024",
      quality: "hd",
      style: "vivid",
      response_format: "url",
    });
    expect(response.data[0]).toEqual({
      url: "https://images.example/fox.png",
      revised_prompt: "A red fox in snow",
    });
    expect(response.created).toBe(1_764_000_000);
  });

  it("maps 401 and 429, and validates", async () => {
    await expectStatusMapping(() =>
      imageGeneration({ model: "cometapi/dall-e-3", prompt: "x", ...client() }),
    );
    server.requests.length = 0;
    await expect(
      imageGeneration({ model: "cometapi/dall-e-3", prompt: "", ...client() }),
    ).rejects.toBeInstanceOf(BadRequestError);
    expect(server.requests).toHaveLength(0);
  });
});

describe("listModels()", () => {
  const models = [
    { id: "gpt-5", object: "model", owned_by: "openai" },
    { id: "claude-sonnet-4-5", object: "model", owned_by: "anthropic" },
  ];

  it("gets /models and accepts { object: 'list', data }", async () => {
    server.handle((_, response) => sendJson(response, 200, { object: "list", data: models }));
    const result = await listModels({ provider: "cometapi", ...client() });
    expect(server.requests[0]!.method).toBe("GET");
    expect(server.requests[0]!.url).toBe("/v1/models");
    expect(server.requests[0]!.headers.authorization).toBe("Bearer sk-more");
    expect(server.requests[0]!.headers["content-type"]).toBeUndefined();
    expect(result).toEqual(models);
  });

  it("accepts { success: true, data }", async () => {
    server.handle((_, response) => sendJson(response, 200, { success: true, data: models }));
    expect(await listModels({ provider: "cometapi", ...client() })).toEqual(models);
  });

  it("maps 401 and 429, and rejects an unknown provider", async () => {
    server.handle((_, response) => sendJson(response, 401, { error: { message: "bad key" } }));
    const error = await listModels({ provider: "cometapi", ...client() }).catch(
      (caught: unknown) => caught,
    );
    expect(error).toBeInstanceOf(AuthenticationError);
    expect((error as Error).message).toMatch(/^cometapi: 401 bad key/);
    server.handle((_, response) => sendJson(response, 429, { error: { message: "slow" } }));
    await expect(listModels({ provider: "cometapi", ...client() })).rejects.toBeInstanceOf(
      RateLimitError,
    );
    await expect(listModels({ provider: "nope", ...client() })).rejects.toThrow(
      /unknown provider "nope"/,
    );
  });
});

describe("a provider registered at run time", () => {
  it("streams through completion()", async () => {
    registerProvider(
      createOpenAICompatibleProvider({
        id: "openrouter-test",
        defaultApiBase: "http://127.0.0.1:9/api/v1",
        apiKeyEnv: ["OPENROUTER_TEST_KEY"],
        apiBaseEnv: ["OPENROUTER_TEST_BASE"],
      }),
    );
    vi.stubEnv("OPENROUTER_TEST_KEY", "sk-or");
    vi.stubEnv("OPENROUTER_TEST_BASE", `${server.origin}/api/v1`);
    server.handle((_, response) => {
      sendEvents(response, helloWorldStream());
    });
    const stream = await completion({
      model: "openrouter-test/anthropic/claude-sonnet-4",
      messages: [{ role: "user", content: "Hi" }],
      stream: true,
    });
    expect(contentOf(await collect(stream))).toBe("Hello world");
    expect(server.requests[0]!.url).toBe("/api/v1/chat/completions");
    expect(server.requests[0]!.headers.authorization).toBe("Bearer sk-or");
    expect(server.requests[0]!.json!.model).toBe("anthropic/claude-sonnet-4");
    expect(stream._hidden_params.provider).toBe("openrouter-test");
  });
});

describe("a hand-written adapter (not OpenAI-compatible)", () => {
  it("builds its own request and maps answers and chunks", async () => {
    const adapter: ProviderAdapter = {
      id: "azure-like",
      apiKeyEnv: [],
      apiKeyRequired: true,
      apiBaseEnv: [],
      defaultApiBase: undefined,
      doBuildRequest: ({ apiBase, apiKey, model, body }) => ({
        method: "POST",
        url: `${apiBase}/deployments/${model}/chat/completions?api-version=2024-10-21`,
        headers: { "api-key": apiKey ?? "", "content-type": "application/json" },
        body: body === undefined ? undefined : { ...body, model: undefined },
      }),
      doMapResponse: (_, body) => ({ ...body, model: `azure/${String(body.model)}` }),
      doMapChunk: (chunk) => {
        for (const choice of (chunk.choices ?? []) as {
          delta?: { text?: string; content?: string };
        }[]) {
          if (choice.delta?.text !== undefined) choice.delta.content = choice.delta.text;
        }
        return chunk;
      },
    };
    registerProvider(adapter);
    server.handle((request, response) => {
      if (request.json?.stream === true) {
        sendEvents(
          response,
          `data: ${JSON.stringify({ id: "c", object: "chat.completion.chunk", created: 1, model: "m", choices: [{ index: 0, delta: { text: "mapped" }, finish_reason: null }] })}\n\ndata: [DONE]\n\n`,
        );
      } else sendJson(response, 200, chatCompletionBody("plain"));
    });
    const options = {
      model: "azure-like/my-deployment",
      messages: [{ role: "user" as const, content: "Hi" }],
      apiKey: "az-key",
      apiBase: `${server.origin}/openai`,
    };
    const response = await completion(options);
    expect(server.requests[0]!.url).toBe(
      "/openai/v1/deployments/my-deployment/chat/completions?api-version=2024-10-21",
    );
    expect(server.requests[0]!.headers["api-key"]).toBe("az-key");
    expect(server.requests[0]!.headers.authorization).toBeUndefined();
    expect(server.requests[0]!.json!.model).toBeUndefined();
    expect(response.model).toBe("azure/gpt-5-2025-08-07");
    const chunks = await collect(await completion({ ...options, stream: true }));
    expect(contentOf(chunks)).toBe("mapped");
  });
});
