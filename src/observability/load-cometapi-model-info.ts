/**
 * `loadCometAPIModelInfo()`: CometAPI's own prices, from its public model catalog
 * (`GET https://api.cometapi.com/api/models`, no key), registered as `cometapi/<id>`.
 */
import { resolveCall } from "../calls/prepare-call.js";
import { hasDataArray, sendJson } from "../calls/send-json.js";
import { BadRequestError } from "../errors/errors.js";
import type { FetchFunction } from "../params/schemas.js";
import type { ProviderAdapter } from "../providers/provider.js";
import { type ModelInfo, perToken, registerModelInfo } from "./model-info.js";

/** Options of `loadCometAPIModelInfo()`. */
export interface LoadCometAPIModelInfoOptions {
  /**
   * Where CometAPI is: its origin is used (`https://api.cometapi.com/v1` works as well), and the
   * catalog is read from `{origin}/api/models`.
   * @default "https://api.cometapi.com"
   */
  apiBase?: string | undefined;
  /** A fetch-compatible function used instead of undici (msw, tracing, other runtimes). */
  fetch?: FetchFunction | undefined;
  /**
   * Milliseconds per attempt, as for any llmux call.
   * @default 600000
   */
  timeout?: number | undefined;
  /**
   * Retries after a failure worth retrying (a connection error, 429, 5xx), as for any llmux call.
   * @default 2
   */
  maxRetries?: number | undefined;
}

const DEFAULT_ORIGIN = "https://api.cometapi.com";
/** CometAPI's unit for `pricing.input` and `pricing.output`. */
const PER_MILLION_TOKENS = /^usd\s*\/\s*m(illion)?\s*tokens$/i;

/** One load per origin: the promise of its first call, kept while it has not failed. */
const loads = new Map<string, Promise<readonly string[]>>();

/**
 * The catalog is public: the adapter sends no key (not even one set in `COMETAPI_KEY`), takes
 * the base as given (no `/v1` added), and reads `{origin}/api/models`.
 */
const catalogAdapter: ProviderAdapter = {
  id: "cometapi",
  apiKeyEnv: [],
  apiKeyRequired: false,
  apiBaseEnv: [],
  defaultApiBase: DEFAULT_ORIGIN,
  apiBaseStyle: "root",
  doBuildRequest: ({ apiBase }) => ({
    method: "GET",
    url: `${apiBase}/api/models`,
    headers: { accept: "application/json" },
    body: undefined,
  }),
  doMapResponse: (_endpoint, body) => body,
};

/**
 * Loads CometAPI's prices from its public model catalog (`GET {origin}/api/models`, no key) and
 * registers each model as `cometapi/<id>` (`registerModelInfo()`), so that `getModelInfo()` and
 * `completionCost()` give CometAPI's prices rather than the vendors' list prices. Prices
 * per million tokens become prices per token; a `per_request` price becomes `costPerRequest`;
 * `per_second` prices (video, audio) are not kept. Limits and capabilities, which the catalog
 * does not give, still come from the bundled catalog's entry for the underlying model.
 *
 * Loaded once per origin: a second call returns the first call's promise (a failed load is
 * forgotten, so that a later call tries again). The request goes through llmux's own HTTP path:
 * retries, timeout, and errors as llmux errors (`APIError` subclasses chosen by status,
 * `APIConnectionError`, `TimeoutError`).
 *
 * Accepts `{ success: true, data: [...] }` (CometAPI's shape) and `{ data: [...] }`; records
 * without an `id` or without a usable price are skipped.
 *
 * @returns The model strings registered, such as `cometapi/gpt-5`.
 * @example
 * await loadCometAPIModelInfo();
 * getModelInfo("cometapi/gpt-5"); // CometAPI's prices, the context window from the catalog
 */
export function loadCometAPIModelInfo(
  options: LoadCometAPIModelInfoOptions = {},
): Promise<readonly string[]> {
  let origin: string;
  try {
    origin = originOf(options.apiBase ?? DEFAULT_ORIGIN);
  } catch (error) {
    return Promise.reject(error);
  }
  let load = loads.get(origin);
  if (load === undefined) {
    load = fetchAndRegister(origin, options);
    loads.set(origin, load);
    load.catch(() => {
      if (loads.get(origin) === load) loads.delete(origin);
    });
  }
  return load;
}

function originOf(apiBase: string): string {
  let url: URL | undefined;
  try {
    url = new URL(apiBase);
  } catch {
    url = undefined;
  }
  if (url === undefined || (url.protocol !== "http:" && url.protocol !== "https:")) {
    throw new BadRequestError(
      `llmux: loadCometAPIModelInfo() apiBase "${apiBase}" is not an http(s) URL. Give CometAPI's origin, for example "https://api.cometapi.com".`,
      { issues: [{ path: "apiBase", message: "must be an absolute http(s) URL" }] },
    );
  }
  return url.origin;
}

async function fetchAndRegister(
  origin: string,
  options: LoadCometAPIModelInfoOptions,
): Promise<readonly string[]> {
  const call = resolveCall(catalogAdapter, "", {
    apiBase: origin,
    fetch: options.fetch,
    timeout: options.timeout,
    maxRetries: options.maxRetries,
  });
  const body = await sendJson(call, "models", undefined, hasDataArray, "a model catalog");
  const names: string[] = [];
  for (const record of body.data as unknown[]) {
    const entry = toEntry(record);
    if (entry === undefined) continue;
    const name = `cometapi/${entry.id}`;
    registerModelInfo(name, entry.info);
    names.push(name.toLowerCase());
  }
  return Object.freeze(names);
}

/** A catalog record's id and prices; undefined when it has no id or no price llmux can use. */
function toEntry(record: unknown): { id: string; info: ModelInfo } | undefined {
  if (typeof record !== "object" || record === null) return undefined;
  const { id, pricing } = record as Record<string, unknown>;
  if (typeof id !== "string" || id.trim() === "") return undefined;
  if (typeof pricing !== "object" || pricing === null) return undefined;
  const { currency, input, output, per_request } = pricing as Record<string, unknown>;
  const info: ModelInfo = {};
  if (currency === undefined || currency === null || PER_MILLION_TOKENS.test(String(currency))) {
    if (isPrice(input)) info.inputCostPerToken = perToken(input);
    if (isPrice(output)) info.outputCostPerToken = perToken(output);
  }
  if (isPrice(per_request)) info.costPerRequest = per_request;
  return Object.keys(info).length === 0 ? undefined : { id: id.trim(), info };
}

function isPrice(value: unknown): value is number {
  return typeof value === "number" && Number.isFinite(value) && value >= 0;
}
