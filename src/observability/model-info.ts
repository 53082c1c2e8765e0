/**
 * What llmux knows of a model: its context window, its prices and what it supports, from the
 * bundled catalog (`model-catalog.ts`) and from what was registered at run time
 * (`registerModelInfo()`, `loadCometAPIModelInfo()`).
 */
import { MODEL_CATALOG_JSON } from "./model-catalog.js";

/**
 * A model's limits, prices (USD per token) and capabilities, as LiteLLM's `get_model_info`
 * gives them. A field the source does not know is absent: the bundled catalog has context
 * windows and token prices, not `maxOutputTokens` nor the `supports*` flags; CometAPI's own
 * catalog has prices only.
 */
export interface ModelInfo {
  /**
   * The context window in tokens, as the source gives it. For some models (OpenAI's `gpt-5`:
   * 400,000) it counts input and output together.
   */
  maxInputTokens?: number | undefined;
  /** The most tokens one answer can hold. */
  maxOutputTokens?: number | undefined;
  /** USD per prompt token. @example 0.0000025 */
  inputCostPerToken?: number | undefined;
  /** USD per completion token, reasoning tokens included. @example 0.00001 */
  outputCostPerToken?: number | undefined;
  /** USD per prompt token read from the provider's prompt cache. */
  cachedInputCostPerToken?: number | undefined;
  /** USD per prompt token written to the prompt cache (Anthropic's cache writes). */
  cacheWriteInputCostPerToken?: number | undefined;
  /** USD per generated image, for models priced per image. */
  outputCostPerImage?: number | undefined;
  /** USD per call, added to any token or image cost (CometAPI's `per_request`). */
  costPerRequest?: number | undefined;
  /** Whether the model calls tools (`tools`, `tool_choice`). */
  supportsTools?: boolean | undefined;
  /** Whether the model reads images in messages. */
  supportsVision?: boolean | undefined;
  /** Whether the model reasons before answering (`reasoning_effort`, reasoning tokens). */
  supportsReasoning?: boolean | undefined;
}

/** The fields that make a price: a registered entry with any of them replaces all of them. */
const PRICE_FIELDS = [
  "inputCostPerToken",
  "outputCostPerToken",
  "cachedInputCostPerToken",
  "cacheWriteInputCostPerToken",
  "outputCostPerImage",
  "costPerRequest",
] as const satisfies readonly (keyof ModelInfo)[];

/**
 * llmux's provider prefixes (LiteLLM's) that the catalog names otherwise. Every catalog
 * provider id (`openai`, `anthropic`, `google`, `deepseek`, `x-ai`, `mistral`, `openrouter`,
 * ...) is a prefix as it is. A prefix that is neither (`cometapi`, `openai_compatible`, a
 * registered gateway) is a gateway: the model after it is looked up as the underlying model.
 */
const PROVIDER_ALIASES: Readonly<Record<string, string>> = {
  gemini: "google",
  vertex_ai: "google",
  xai: "x-ai",
  mistralai: "mistral",
  moonshot: "moonshotai",
  together_ai: "together",
  fireworks_ai: "fireworks",
  bedrock: "aws",
  voyage: "voyageai",
  zhipu: "zhipuai",
};

/** The provider whose models answer a bare id none of the vendors' own entries knows. */
const RESELLER = "openrouter";

/** A catalog match rule: see the format in `model-catalog.ts`. */
type Match =
  | string
  | readonly Match[]
  | { readonly s: string }
  | { readonly e: string }
  | { readonly c: string }
  | { readonly r: string }
  | { readonly a: readonly Match[] };

/** `[match, contextWindow, input, output, cachedInput, cacheWrite]`, prices per million tokens. */
type CatalogModel = readonly [Match, ...(number | null)[]];

type CatalogProvider = readonly [
  id: string,
  modelMatch: Match | null,
  fallbacks: readonly string[] | null,
  models: readonly CatalogModel[],
];

let catalog: Map<string, CatalogProvider> | undefined;
const registered = new Map<string, ModelInfo>();
/** Lookups already made: most calls ask about the same few models. Emptied on registration. */
const resolved = new Map<string, ModelInfo | undefined>();
const RESOLVED_LIMIT = 1024;
const regexes = new Map<string, RegExp>();

/**
 * Parsed on the first lookup, not at import: the JSON string costs next to nothing to load.
 * Every answer is priced (`_hidden_params.responseCost`), so the first answer of a process
 * builds it: ~1 ms for its ~100 KB, 2-3 ms with that first lookup, once.
 */
function loadCatalog(): Map<string, CatalogProvider> {
  if (catalog === undefined) {
    const providers = JSON.parse(MODEL_CATALOG_JSON) as readonly CatalogProvider[];
    catalog = new Map(providers.map((provider) => [provider[0], provider]));
  }
  return catalog;
}

/**
 * What llmux knows of `model`: registered information (`registerModelInfo()`,
 * `loadCometAPIModelInfo()`) over the bundled catalog's, or undefined when neither knows it.
 *
 * `model` is an llmux model string (`openai/gpt-4o`, `anthropic/claude-sonnet-4-5`,
 * `gemini/gemini-2.5-flash`) or a bare model id (`gpt-4o`), compared without case. Through a
 * gateway (`cometapi/gpt-5`, `openai_compatible/...`, any prefix that is not a catalog
 * provider), the model after the prefix is looked up as the underlying model; a vendor prefix
 * after it is read as the vendor (`cometapi/openai/gpt-4o` is `openai/gpt-4o`). A registered
 * entry is found under the model string as given, then under it without its prefixes
 * (`cometapi/openai/gpt-4o`, `openai/gpt-4o`, `gpt-4o`), and its fields win: one that gives any
 * price gives all of them (the catalog's prices are not mixed in), while limits and
 * capabilities it leaves out come from the catalog.
 *
 * Returns a new object each time: changing it changes nothing in llmux.
 *
 * @example
 * getModelInfo("openai/gpt-4o");
 * // { maxInputTokens: 128000, inputCostPerToken: 0.0000025, outputCostPerToken: 0.00001, ... }
 */
export function getModelInfo(model: string): ModelInfo | undefined {
  if (typeof model !== "string") return undefined;
  const key = model.trim().toLowerCase();
  if (resolved.has(key)) return copy(resolved.get(key));
  const info = resolve(key);
  if (resolved.size >= RESOLVED_LIMIT) resolved.clear();
  resolved.set(key, info);
  return copy(info);
}

/**
 * Adds what is known of `model`, or replaces what was registered for it before: prices agreed
 * with a provider, a model the catalog does not know, a catalog value to correct. `model` is an
 * llmux model string (`cometapi/my-model`) or a bare id (`gpt-4o`, which then applies under
 * every prefix); see `getModelInfo()` for how entries are found and merged.
 *
 * @example
 * registerModelInfo("openai_compatible/llama-3.1-8b", {
 *   maxInputTokens: 131072,
 *   inputCostPerToken: 0.1 / 1e6,
 *   outputCostPerToken: 0.2 / 1e6,
 * });
 */
export function registerModelInfo(model: string, info: ModelInfo): void {
  registered.set(model.trim().toLowerCase(), { ...info });
  resolved.clear();
}

function copy(info: ModelInfo | undefined): ModelInfo | undefined {
  return info === undefined ? undefined : { ...info };
}

function resolve(key: string): ModelInfo | undefined {
  const fromCatalog = catalogInfo(key);
  const fromRegistry = registeredInfo(key);
  if (fromRegistry === undefined) return fromCatalog;
  if (fromCatalog === undefined) return fromRegistry;
  const merged: ModelInfo = { ...fromCatalog };
  if (PRICE_FIELDS.some((field) => fromRegistry[field] !== undefined)) {
    for (const field of PRICE_FIELDS) delete merged[field];
    // A registered input price without cache prices (CometAPI's catalog gives none): the
    // catalog's discount for cached reads and writes, applied to the registered price, rather
    // than charging cached tokens at the full input price.
    const input = fromRegistry.inputCostPerToken;
    const catalogInput = fromCatalog.inputCostPerToken;
    if (input !== undefined && catalogInput !== undefined && catalogInput > 0) {
      const { cachedInputCostPerToken: cached, cacheWriteInputCostPerToken: write } = fromCatalog;
      if (cached !== undefined) merged.cachedInputCostPerToken = (input * cached) / catalogInput;
      if (write !== undefined) merged.cacheWriteInputCostPerToken = (input * write) / catalogInput;
    }
  }
  for (const [field, value] of Object.entries(fromRegistry) as [keyof ModelInfo, unknown][]) {
    if (value !== undefined) Object.assign(merged, { [field]: value });
  }
  return merged;
}

/** The entry registered under `key`, else under `key` without its prefixes, one at a time. */
function registeredInfo(key: string): ModelInfo | undefined {
  if (registered.size === 0) return undefined;
  for (let rest = key; ; ) {
    const info = registered.get(rest);
    if (info !== undefined) return info;
    const slash = rest.indexOf("/");
    if (slash === -1) return undefined;
    rest = rest.slice(slash + 1);
  }
}

/** The catalog provider an llmux prefix or a vendor prefix names, if any. */
function providerFor(prefix: string): CatalogProvider | undefined {
  return loadCatalog().get(PROVIDER_ALIASES[prefix] ?? prefix);
}

function catalogInfo(key: string): ModelInfo | undefined {
  const slash = key.indexOf("/");
  if (slash === -1) return toModelInfo(findBare(key));
  const provider = providerFor(key.slice(0, slash));
  const rest = key.slice(slash + 1);
  // A gateway's model is the underlying model's: its prices are the vendor's list prices, the
  // best the catalog knows (CometAPI's own come from `loadCometAPIModelInfo()`).
  return toModelInfo(provider === undefined ? findBare(rest) : findIn(provider, rest));
}

/**
 * A model id without an llmux provider prefix: a vendor prefix names the vendor
 * (`openai/gpt-4o`); else the vendor whose ids match it (`gpt-` is OpenAI's, `claude` is
 * Anthropic's), then any vendor's models, then the reseller's under the id as given, then
 * under any vendor prefix (`qwen3-max` finds `qwen/qwen3-max`).
 */
function findBare(id: string): CatalogModel | undefined {
  const slash = id.indexOf("/");
  if (slash !== -1) {
    const vendor = providerFor(id.slice(0, slash));
    if (vendor !== undefined) return findIn(vendor, id.slice(slash + 1));
  }
  const tail = id.slice(id.lastIndexOf("/") + 1);
  const providers = loadCatalog();
  for (const provider of providers.values()) {
    if (provider[1] === null || !matches(provider[1], tail)) continue;
    const found = findIn(provider, tail);
    if (found !== undefined) return found;
  }
  // Vendors whose id rule misses some of their models (`text-embedding-3-small` is OpenAI's).
  for (const provider of providers.values()) {
    if (provider[1] === null) continue;
    const found = provider[3].find((model) => matches(model[0], tail));
    if (found !== undefined) return found;
  }
  const reseller = providers.get(RESELLER);
  if (reseller === undefined) return undefined;
  return findIn(reseller, id) ?? reseller[3].find((model) => matchesTail(model[0], tail));
}

/** The first model of `provider` whose match holds, else of its fallback providers in order. */
function findIn(provider: CatalogProvider, id: string): CatalogModel | undefined {
  const found = provider[3].find((model) => matches(model[0], id));
  if (found !== undefined || provider[2] === null) return found;
  for (const fallback of provider[2]) {
    const other = loadCatalog().get(fallback);
    const inOther = other?.[3].find((model) => matches(model[0], id));
    if (inOther !== undefined) return inOther;
  }
  return undefined;
}

function matches(match: Match, id: string): boolean {
  if (typeof match === "string") return id === match;
  if (isList(match)) return match.some((each) => matches(each, id));
  if ("s" in match) return id.startsWith(match.s);
  if ("e" in match) return id.endsWith(match.e);
  if ("c" in match) return id.includes(match.c);
  if ("r" in match) return regex(match.r).test(id);
  return match.a.every((each) => matches(each, id));
}

/** Whether an id the rule equals is `tail` under some vendor prefix (`qwen/qwen3-max`). */
function matchesTail(match: Match, tail: string): boolean {
  if (typeof match === "string") return match.endsWith(`/${tail}`);
  return isList(match) && match.some((each) => matchesTail(each, tail));
}

function isList(match: Match): match is readonly Match[] {
  return Array.isArray(match);
}

/** The source tests its patterns against ids as given; llmux lower-cases ids, hence `i`. */
function regex(source: string): RegExp {
  let compiled = regexes.get(source);
  if (compiled === undefined) {
    compiled = new RegExp(source, "i");
    regexes.set(source, compiled);
  }
  return compiled;
}

function toModelInfo(model: CatalogModel | undefined): ModelInfo | undefined {
  if (model === undefined) return undefined;
  const [, contextWindow, input, output, cachedInput, cacheWrite] = model;
  const info: ModelInfo = {};
  if (typeof contextWindow === "number") info.maxInputTokens = contextWindow;
  if (typeof input === "number") info.inputCostPerToken = perToken(input);
  if (typeof output === "number") info.outputCostPerToken = perToken(output);
  if (typeof cachedInput === "number") info.cachedInputCostPerToken = perToken(cachedInput);
  if (typeof cacheWrite === "number") info.cacheWriteInputCostPerToken = perToken(cacheWrite);
  return info;
}

/**
 * USD per million tokens to USD per token, without the division's binary noise
 * (0.57 / 1e6 is 5.699999999999999e-7; this gives 5.7e-7).
 */
export function perToken(perMillion: number): number {
  return Number((perMillion / 1_000_000).toPrecision(15));
}
