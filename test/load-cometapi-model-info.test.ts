import { afterEach, describe, expect, it, vi } from "vitest";
import { APIError, BadRequestError, InternalServerError } from "../src/index.js";
import { completionCost } from "../src/observability/completion-cost.js";
import { loadCometAPIModelInfo } from "../src/observability/load-cometapi-model-info.js";
import { getModelInfo } from "../src/observability/model-info.js";
import { sendJson, useTestServer } from "./helpers/server.js";

/** A record in the shape CometAPI's public catalog documents (`GET /api/models`). */
function record(id: string, pricing: Record<string, unknown>, modelType = "text") {
  return {
    id,
    provider: "OpenAI",
    model_type: modelType,
    features: [modelType === "text" ? "text-to-text" : `text-to-${modelType}`],
    pricing: {
      currency: "USD / M Tokens",
      input: null,
      output: null,
      per_request: null,
      per_second: null,
      ...pricing,
    },
    api_doc_url: "https://apidoc.cometapi.com/api/text/chat",
  };
}

const catalog = [
  record("gpt-5", { input: 1, output: 8 }),
  record("openai/gpt-4o", { input: 2, output: 8 }),
  record("House-Video", { per_request: 0.25 }, "video"),
  record("per-second-only", { per_second: 0.1 }, "video"),
  { provider: "OpenAI", pricing: { input: 1, output: 1 } },
  "not a record",
];

/** The stand-in for CometAPI: one server per test, so that each loads an origin afresh. */
const documented = useTestServer((_, response) =>
  sendJson(response, 200, { success: true, page: 0, page_size: 0, total: 6, data: catalog }),
);
const cached = useTestServer((_, response) => sendJson(response, 200, { data: catalog }));
const plain = useTestServer((_, response) => sendJson(response, 200, { data: catalog }));
const failing = useTestServer();

afterEach(() => vi.unstubAllEnvs());

describe("loadCometAPIModelInfo()", () => {
  it("reads {origin}/api/models with no key and registers each priced model as cometapi/<id>", async () => {
    vi.stubEnv("COMETAPI_KEY", "sk-not-for-the-catalog");
    const names = await loadCometAPIModelInfo({ apiBase: documented.origin });
    expect(names).toEqual(["cometapi/gpt-5", "cometapi/openai/gpt-4o", "cometapi/house-video"]);
    const request = documented.requests[0]!;
    expect(request.method).toBe("GET");
    expect(request.url).toBe("/api/models");
    expect(request.headers.authorization).toBeUndefined();
  });

  it("turns prices per million tokens into prices per token, over the catalog's limits", async () => {
    await loadCometAPIModelInfo({ apiBase: documented.origin });
    const info = getModelInfo("cometapi/gpt-5");
    expect(info?.inputCostPerToken).toBe(1e-6);
    expect(info?.outputCostPerToken).toBe(8e-6);
    // CometAPI gives no cached price: the vendor's discount for cached reads applies to
    // CometAPI's input price (not the vendor's price itself); its context window is kept.
    const vendor = getModelInfo("openai/gpt-5")!;
    expect(info?.cachedInputCostPerToken).toBeCloseTo(
      (1e-6 * vendor.cachedInputCostPerToken!) / vendor.inputCostPerToken!,
      15,
    );
    expect(info?.maxInputTokens).toBe(getModelInfo("openai/gpt-5")?.maxInputTokens);
    expect(getModelInfo("cometapi/openai/gpt-4o")?.inputCostPerToken).toBe(2e-6);
    expect(getModelInfo("cometapi/house-video")).toEqual({ costPerRequest: 0.25 });
    const usage = { prompt_tokens: 1000, completion_tokens: 100, total_tokens: 1100 };
    expect(completionCost(usage, "cometapi/gpt-5")).toBeCloseTo(1000 * 1e-6 + 100 * 8e-6, 15);
  });

  it("loads once per origin: a second call returns the same promise, and sends nothing", async () => {
    const first = loadCometAPIModelInfo({ apiBase: cached.origin });
    await first;
    const second = loadCometAPIModelInfo({ apiBase: `${cached.origin}/v1` });
    expect(second).toBe(first);
    await second;
    expect(cached.requests).toHaveLength(1);
  });

  it("accepts a plain { data: [...] } and sends one request for two loads", async () => {
    const [first, second] = await Promise.all([
      loadCometAPIModelInfo({ apiBase: plain.origin }),
      loadCometAPIModelInfo({ apiBase: plain.origin }),
    ]);
    expect(second).toBe(first);
    expect(first).toContain("cometapi/gpt-5");
    expect(plain.requests).toHaveLength(1);
  });

  it("fails with an llmux APIError, and tries again on the next call", async () => {
    failing.handle((_, response) =>
      sendJson(response, 500, { error: { message: "catalog down" } }),
    );
    const error = await loadCometAPIModelInfo({ apiBase: failing.origin, maxRetries: 0 }).catch(
      (caught: unknown) => caught,
    );
    expect(error).toBeInstanceOf(InternalServerError);
    expect(error).toBeInstanceOf(APIError);
    expect((error as APIError).status).toBe(500);
    expect((error as APIError).provider).toBe("cometapi");
    expect((error as APIError).message).toContain("catalog down");

    failing.handle((_, response) => sendJson(response, 200, { success: true, data: catalog }));
    await expect(loadCometAPIModelInfo({ apiBase: failing.origin })).resolves.toContain(
      "cometapi/gpt-5",
    );
    expect(failing.requests).toHaveLength(2);
  });

  it("rejects an apiBase that is not an http(s) URL, before any request", async () => {
    await expect(loadCometAPIModelInfo({ apiBase: "api.cometapi.com" })).rejects.toBeInstanceOf(
      BadRequestError,
    );
  });
});
