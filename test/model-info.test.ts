import { describe, expect, it } from "vitest";
import { MODEL_CATALOG_JSON, MODEL_CATALOG_SOURCE } from "../src/observability/model-catalog.js";
import { getModelInfo, registerModelInfo } from "../src/observability/model-info.js";

/** A price per token that is a real price: above zero, below $1,000 per million tokens. */
const isSanePrice = (price: number | undefined) =>
  price !== undefined && price > 0 && price < 1000 / 1e6;

describe("the bundled catalog", () => {
  it("says where it comes from", () => {
    expect(MODEL_CATALOG_SOURCE.name).toBe("@pydantic/genai-prices");
    expect(MODEL_CATALOG_SOURCE.license).toBe("MIT");
    expect(MODEL_CATALOG_SOURCE.version).toMatch(/^\d+\.\d+\.\d+/);
    expect(MODEL_CATALOG_SOURCE.generated).toMatch(/^\d{4}-\d{2}-\d{2}$/);
  });

  it("gives openai/gpt-4o prices and a context window over 100k", () => {
    const info = getModelInfo("openai/gpt-4o");
    expect(isSanePrice(info?.inputCostPerToken)).toBe(true);
    expect(isSanePrice(info?.outputCostPerToken)).toBe(true);
    expect(info!.outputCostPerToken!).toBeGreaterThan(info!.inputCostPerToken!);
    expect(info?.cachedInputCostPerToken).toBeLessThan(info!.inputCostPerToken!);
    expect(info?.maxInputTokens).toBeGreaterThan(100_000);
  });

  it.each([
    "anthropic/claude-sonnet-4-5",
    "gemini/gemini-2.5-flash",
    "deepseek/deepseek-chat",
    "xai/grok-4",
    "mistral/mistral-large-latest",
    "cometapi/gpt-5",
    "cometapi/qwen3-max",
  ])("prices %s", (model) => {
    const info = getModelInfo(model);
    expect(isSanePrice(info?.inputCostPerToken)).toBe(true);
    expect(isSanePrice(info?.outputCostPerToken)).toBe(true);
  });

  it("finds a dated snapshot under its model's rule", () => {
    expect(getModelInfo("anthropic/claude-sonnet-4-5-20250929")).toEqual(
      getModelInfo("anthropic/claude-sonnet-4-5"),
    );
    expect(getModelInfo("anthropic/claude-sonnet-4-5")?.cacheWriteInputCostPerToken).toBeDefined();
  });

  it("applies rules that are regular expressions, or several rules together", () => {
    // OpenAI's ids: `^o[134]`; Gemini 2.5 Pro: starts with `gemini-2.5-pro`, and not a TTS model.
    expect(getModelInfo("o3")).toBeDefined();
    expect(getModelInfo("o3")).toEqual(getModelInfo("openai/o3"));
    expect(getModelInfo("gemini/gemini-2.5-pro-preview-06-05")).toBeDefined();
    expect(getModelInfo("gemini/gemini-2.5-pro-preview-06-05")).toEqual(
      getModelInfo("gemini/gemini-2.5-pro"),
    );
    expect(getModelInfo("gemini/gemini-2.5-pro-preview-tts")).not.toEqual(
      getModelInfo("gemini/gemini-2.5-pro"),
    );
  });

  it("keeps the regular expressions' backslashes through its JSON string", () => {
    const rules = JSON.stringify(JSON.parse(MODEL_CATALOG_JSON)).match(/"r":"(?:[^"\\]|\\.)*"/g);
    const patterns = (rules ?? []).map((rule) => JSON.parse(`{${rule}}`).r as string);
    expect(patterns.some((pattern) => pattern.includes("\\d"))).toBe(true);
    expect(patterns.some((pattern) => pattern.includes("\\\\"))).toBe(false);
  });

  it("gives embedding models an input price", () => {
    expect(isSanePrice(getModelInfo("openai/text-embedding-3-small")?.inputCostPerToken)).toBe(
      true,
    );
  });
});

describe("getModelInfo() model ids", () => {
  const gpt4o = () => getModelInfo("openai/gpt-4o");

  it("finds a bare id under its vendor", () => {
    expect(getModelInfo("gpt-4o")).toEqual(gpt4o());
    expect(getModelInfo("claude-sonnet-4-5")).toEqual(getModelInfo("anthropic/claude-sonnet-4-5"));
    expect(getModelInfo("gemini-2.5-flash")).toEqual(getModelInfo("gemini/gemini-2.5-flash"));
  });

  it("reads a gateway's model as the underlying model, a vendor prefix after it as the vendor", () => {
    expect(getModelInfo("cometapi/gpt-4o")).toEqual(gpt4o());
    expect(getModelInfo("cometapi/openai/gpt-4o")).toEqual(gpt4o());
    expect(getModelInfo("openai_compatible/gpt-4o")).toEqual(gpt4o());
    expect(getModelInfo("cometapi/claude-sonnet-4-5")).toEqual(
      getModelInfo("anthropic/claude-sonnet-4-5"),
    );
  });

  it("compares ids without case or surrounding spaces", () => {
    expect(getModelInfo(" OpenAI/GPT-4o ")).toEqual(gpt4o());
  });

  it("is undefined for a model nobody knows", () => {
    expect(getModelInfo("openai/no-such-model")).toBeUndefined();
    expect(getModelInfo("cometapi/no-such-model")).toBeUndefined();
    expect(getModelInfo("no-such-model")).toBeUndefined();
    expect(getModelInfo("")).toBeUndefined();
  });

  it("does not read a vendor's model under another vendor's prefix", () => {
    expect(getModelInfo("anthropic/gpt-4o")).toBeUndefined();
  });

  it("returns a copy: changing it changes nothing", () => {
    const info = gpt4o()!;
    info.inputCostPerToken = 1;
    expect(gpt4o()?.inputCostPerToken).not.toBe(1);
  });
});

describe("registerModelInfo()", () => {
  it("adds a model the catalog does not know", () => {
    registerModelInfo("openai_compatible/house-model", {
      maxInputTokens: 32_768,
      inputCostPerToken: 1e-7,
      outputCostPerToken: 2e-7,
      supportsTools: true,
    });
    expect(getModelInfo("openai_compatible/house-model")).toEqual({
      maxInputTokens: 32_768,
      inputCostPerToken: 1e-7,
      outputCostPerToken: 2e-7,
      supportsTools: true,
    });
    expect(getModelInfo("cometapi/house-model")).toBeUndefined();
  });

  it("wins over the catalog: its prices replace the catalog's (cache prices keep the catalog's discount), its limits merge", () => {
    const catalog = getModelInfo("openai/gpt-4o-mini")!;
    registerModelInfo("cometapi/gpt-4o-mini", {
      inputCostPerToken: 1e-7,
      outputCostPerToken: 4e-7,
    });
    const discount = catalog.cachedInputCostPerToken! / catalog.inputCostPerToken!;
    expect(getModelInfo("cometapi/gpt-4o-mini")).toEqual({
      maxInputTokens: catalog.maxInputTokens,
      inputCostPerToken: 1e-7,
      outputCostPerToken: 4e-7,
      cachedInputCostPerToken: 1e-7 * discount,
    });
    expect(getModelInfo("openai/gpt-4o-mini")).toEqual(catalog);
  });

  it("keeps the catalog's prices when it gives only limits or capabilities", () => {
    const catalog = getModelInfo("gemini/gemini-2.0-flash")!;
    registerModelInfo("gemini/gemini-2.0-flash", { maxOutputTokens: 8192, supportsVision: true });
    expect(getModelInfo("gemini/gemini-2.0-flash")).toEqual({
      ...catalog,
      maxOutputTokens: 8192,
      supportsVision: true,
    });
  });

  it("applies a bare id under every prefix, and the most specific entry first", () => {
    registerModelInfo("house-chat", { inputCostPerToken: 1e-6, outputCostPerToken: 1e-6 });
    registerModelInfo("cometapi/house-chat", { inputCostPerToken: 2e-6, outputCostPerToken: 2e-6 });
    expect(getModelInfo("openai_compatible/house-chat")?.inputCostPerToken).toBe(1e-6);
    expect(getModelInfo("cometapi/house-chat")?.inputCostPerToken).toBe(2e-6);
    expect(getModelInfo("cometapi/vendor/house-chat")?.inputCostPerToken).toBe(1e-6);
  });

  it("replaces what was registered for the same model, whatever its case", () => {
    registerModelInfo("openai_compatible/replaced", { inputCostPerToken: 1e-6, maxInputTokens: 8 });
    registerModelInfo("OpenAI_Compatible/Replaced", { inputCostPerToken: 3e-6 });
    expect(getModelInfo("openai_compatible/replaced")).toEqual({ inputCostPerToken: 3e-6 });
  });

  it("is seen by lookups made before it (no stale answer)", () => {
    expect(getModelInfo("openai_compatible/late-model")).toBeUndefined();
    registerModelInfo("openai_compatible/late-model", { inputCostPerToken: 5e-7 });
    expect(getModelInfo("openai_compatible/late-model")).toEqual({ inputCostPerToken: 5e-7 });
  });

  it("keeps its own copy of the info given", () => {
    const info = { inputCostPerToken: 1e-6 };
    registerModelInfo("openai_compatible/copied", info);
    info.inputCostPerToken = 9;
    expect(getModelInfo("openai_compatible/copied")?.inputCostPerToken).toBe(1e-6);
  });
});
