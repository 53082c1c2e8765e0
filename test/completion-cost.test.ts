import { beforeAll, beforeEach, describe, expect, it } from "vitest";
import {
  completion,
  embedding,
  imageGeneration,
  streamChunkBuilder,
  type Usage,
} from "../src/index.js";
import { completionCost } from "../src/observability/completion-cost.js";
import { getModelInfo, registerModelInfo } from "../src/observability/model-info.js";
import { collect } from "./helpers/collect.js";
import { chatCompletionBody, chunkBody } from "./helpers/fixtures.js";
import { sendEvents, sendJson, useTestServer } from "./helpers/server.js";

const server = useTestServer();
const client = () => ({ apiKey: "sk-cost", apiBase: server.apiBase, maxRetries: 0 });
const messages = [{ role: "user" as const, content: "Hi" }];

// Fixed prices on registered models: catalog updates never change these tests.
const MODEL = "openai_compatible/cost-model";
const INPUT = 2e-6;
const OUTPUT = 8e-6;
const CACHED = 5e-7;
const CACHE_WRITE = 2.5e-6;

beforeAll(() => {
  registerModelInfo(MODEL, {
    inputCostPerToken: INPUT,
    outputCostPerToken: OUTPUT,
    cachedInputCostPerToken: CACHED,
    cacheWriteInputCostPerToken: CACHE_WRITE,
  });
  registerModelInfo("openai_compatible/uncached-model", {
    inputCostPerToken: INPUT,
    outputCostPerToken: OUTPUT,
  });
  registerModelInfo("openai_compatible/input-only", { inputCostPerToken: INPUT });
  registerModelInfo("openai_compatible/per-call", {
    inputCostPerToken: INPUT,
    outputCostPerToken: OUTPUT,
    costPerRequest: 0.01,
  });
});

const usage = (fields: Partial<Usage>): Usage => ({
  prompt_tokens: 0,
  completion_tokens: 0,
  total_tokens: 0,
  ...fields,
});

describe("completionCost() of a usage", () => {
  it("prices prompt and completion tokens", () => {
    const cost = completionCost(usage({ prompt_tokens: 1000, completion_tokens: 500 }), MODEL);
    expect(cost).toBeCloseTo(1000 * INPUT + 500 * OUTPUT, 15);
  });

  it("prices cached prompt tokens at the cached price, out of the prompt tokens", () => {
    const cost = completionCost(
      usage({
        prompt_tokens: 1000,
        completion_tokens: 10,
        prompt_tokens_details: { cached_tokens: 600 },
      }),
      MODEL,
    );
    expect(cost).toBeCloseTo(400 * INPUT + 600 * CACHED + 10 * OUTPUT, 15);
  });

  it("prices cached tokens at the input price when the model has no cached price", () => {
    const cost = completionCost(
      usage({ prompt_tokens: 1000, prompt_tokens_details: { cached_tokens: 600 } }),
      "openai_compatible/uncached-model",
    );
    expect(cost).toBeCloseTo(1000 * INPUT, 15);
  });

  it("prices Anthropic's cache writes at the cache write price", () => {
    // As llmux maps Anthropic's usage: prompt_tokens = input + cache writes + cache reads.
    const cost = completionCost(
      usage({
        prompt_tokens: 1000,
        completion_tokens: 20,
        prompt_tokens_details: { cached_tokens: 300, cache_creation_tokens: 200 },
      }),
      MODEL,
    );
    expect(cost).toBeCloseTo(500 * INPUT + 300 * CACHED + 200 * CACHE_WRITE + 20 * OUTPUT, 15);
  });

  it("counts reasoning tokens once: they are part of the completion tokens", () => {
    const withReasoning = completionCost(
      usage({
        prompt_tokens: 100,
        completion_tokens: 500,
        completion_tokens_details: { reasoning_tokens: 400 },
      }),
      MODEL,
    );
    expect(withReasoning).toBeCloseTo(100 * INPUT + 500 * OUTPUT, 15);
  });

  it("adds reasoning tokens a provider counted apart (more of them than completion tokens)", () => {
    const cost = completionCost(
      usage({
        prompt_tokens: 100,
        completion_tokens: 50,
        completion_tokens_details: { reasoning_tokens: 400 },
      }),
      MODEL,
    );
    expect(cost).toBeCloseTo(100 * INPUT + 450 * OUTPUT, 15);
  });

  it("adds a price per request once", () => {
    const cost = completionCost(
      usage({ prompt_tokens: 10, completion_tokens: 10 }),
      "openai_compatible/per-call",
    );
    expect(cost).toBeCloseTo(10 * INPUT + 10 * OUTPUT + 0.01, 15);
  });

  it("is undefined, never 0, when a price is unknown", () => {
    const some = usage({ prompt_tokens: 10, completion_tokens: 10 });
    expect(completionCost(some, "openai_compatible/no-such-model")).toBeUndefined();
    expect(completionCost(some, "no-such-model")).toBeUndefined();
    expect(completionCost(some)).toBeUndefined();
    expect(completionCost(some, "openai_compatible/input-only")).toBeUndefined();
  });

  it("prices a catalog model with the catalog's prices", () => {
    const info = getModelInfo("openai/gpt-4o")!;
    const cost = completionCost(usage({ prompt_tokens: 1000, completion_tokens: 100 }), "gpt-4o");
    expect(cost).toBeGreaterThan(0);
    expect(cost).toBeCloseTo(1000 * info.inputCostPerToken! + 100 * info.outputCostPerToken!, 15);
  });

  it("follows a registered price over the catalog's", () => {
    const some = usage({ prompt_tokens: 1000, completion_tokens: 1000 });
    const catalog = completionCost(some, "cometapi/gpt-4.1");
    registerModelInfo("cometapi/gpt-4.1", { inputCostPerToken: 1e-9, outputCostPerToken: 1e-9 });
    expect(completionCost(some, "cometapi/gpt-4.1")).toBeCloseTo(2e-6, 15);
    expect(completionCost(some, "openai/gpt-4.1")).toBe(catalog);
  });
});

describe("completionCost() of an answer", () => {
  const body = (model: string) =>
    chatCompletionBody("Hello", {
      model,
      usage: {
        prompt_tokens: 120,
        completion_tokens: 30,
        total_tokens: 150,
        prompt_tokens_details: { cached_tokens: 100 },
        completion_tokens_details: { reasoning_tokens: 10 },
      },
    });
  const expected = 20 * INPUT + 100 * CACHED + 30 * OUTPUT;

  it("prices a ModelResponse by its provider and model", async () => {
    server.handle((_, response) => sendJson(response, 200, body("cost-model")));
    const response = await completion({ model: MODEL, messages, ...client() });
    expect(completionCost(response)).toBeCloseTo(expected, 15);
  });

  it("prices as the model given, whatever the server named its model", async () => {
    server.handle((_, response) => sendJson(response, 200, body("cost-model-2026-01-01")));
    const response = await completion({ model: MODEL, messages, ...client() });
    expect(completionCost(response)).toBeUndefined();
    expect(completionCost(response, MODEL)).toBeCloseTo(expected, 15);
  });

  it("prices a stream's rebuilt response", async () => {
    server.handle((_, response) =>
      sendEvents(
        response,
        [
          chunkBody({ role: "assistant", content: "" }),
          chunkBody({ content: "Hello" }, "stop"),
          { ...chunkBody({}), choices: [], usage: body("cost-model").usage },
        ]
          .map((chunk) => `data: ${JSON.stringify(chunk)}\n\n`)
          .join("")
          .concat("data: [DONE]\n\n"),
      ),
    );
    const stream = await completion({
      model: MODEL,
      messages,
      stream: true,
      stream_options: { include_usage: true },
      ...client(),
    });
    const rebuilt = streamChunkBuilder(await collect(stream));
    expect(completionCost(rebuilt, MODEL)).toBeCloseTo(expected, 15);
  });

  it("prices an embedding list by its prompt tokens", async () => {
    server.handle((_, response) =>
      sendJson(response, 200, {
        object: "list",
        data: [{ object: "embedding", index: 0, embedding: [0.1, 0.2] }],
        model: "input-only",
        usage: { prompt_tokens: 7, total_tokens: 7 },
      }),
    );
    const response = await embedding({
      model: "openai_compatible/input-only",
      input: "Hello",
      ...client(),
    });
    expect(completionCost(response)).toBeCloseTo(7 * INPUT, 15);
  });

  it("prices images by the image, or by their tokens where the model has token prices", async () => {
    registerModelInfo("openai_compatible/per-image", { outputCostPerImage: 0.04 });
    server.handle((_, response) =>
      sendJson(response, 200, {
        created: 1_764_000_000,
        data: [{ url: "https://images.example/1.png" }, { url: "https://images.example/2.png" }],
        usage: { input_tokens: 50, output_tokens: 1000, total_tokens: 1050 },
      }),
    );
    const perImage = await imageGeneration({
      model: "openai_compatible/per-image",
      prompt: "A red fox",
      n: 2,
      ...client(),
    });
    expect(completionCost(perImage, "openai_compatible/per-image")).toBeCloseTo(0.08, 15);
    expect(completionCost(perImage, MODEL)).toBeCloseTo(50 * INPUT + 1000 * OUTPUT, 15);
    expect(completionCost(perImage, "openai_compatible/no-such-model")).toBeUndefined();
  });
});

describe("_hidden_params.responseCost", () => {
  beforeEach(() =>
    server.handle((_, response) => sendJson(response, 200, chatCompletionBody("ok"))),
  );

  it("is on an answer whose model's price is known", async () => {
    registerModelInfo("openai_compatible/priced-model", {
      inputCostPerToken: 0.000_001,
      outputCostPerToken: 0.000_002,
    });
    const response = await completion({
      model: "openai_compatible/priced-model",
      messages: [{ role: "user", content: "Hi" }],
      apiBase: server.apiBase,
    });
    // The fixture's usage: 9 prompt and 12 completion tokens.
    expect(response._hidden_params.responseCost).toBeCloseTo(9 * 0.000_001 + 12 * 0.000_002, 12);
  });

  it("is left out where the price is unknown", async () => {
    const response = await completion({
      model: "openai_compatible/nobody-knows-this-model",
      messages: [{ role: "user", content: "Hi" }],
      apiBase: server.apiBase,
    });
    expect(response._hidden_params.responseCost).toBeUndefined();
  });
});

describe("_hidden_params.responseCost on a stream", () => {
  it("is set when the stream ends, from its usage chunk", async () => {
    registerModelInfo("openai_compatible/priced-stream", {
      inputCostPerToken: 0.000_001,
      outputCostPerToken: 0.000_002,
    });
    server.handle((_, response) =>
      sendEvents(
        response,
        [
          chunkBody({ role: "assistant", content: "Hi" }),
          chunkBody({}, "stop"),
          {
            ...chunkBody({}),
            choices: [],
            usage: { prompt_tokens: 10, completion_tokens: 5, total_tokens: 15 },
          },
        ]
          .map((chunk) => `data: ${JSON.stringify(chunk)}\n\n`)
          .join(""),
      ),
    );
    const stream = await completion({
      model: "openai_compatible/priced-stream",
      messages: [{ role: "user", content: "Hi" }],
      apiBase: server.apiBase,
      stream: true,
    });
    expect(stream._hidden_params.responseCost).toBeUndefined();
    await collect(stream);
    expect(stream._hidden_params.responseCost).toBeCloseTo(10 * 0.000_001 + 5 * 0.000_002, 12);
  });
});
