/** `completionCost()`: what a call cost in USD, from its usage and the model's prices. */
import type { EmbeddingResponse, ImageResponse, ModelResponse, Usage } from "../types.js";
import { getModelInfo, type ModelInfo } from "./model-info.js";

/** Anything `completionCost()` can price. */
export type CostSource = ModelResponse | EmbeddingResponse | ImageResponse | Usage;

type Fields = Record<string, unknown>;

/**
 * What a call cost in USD, from its token counts and the model's prices (`getModelInfo()`:
 * registered prices, else the bundled catalog's). Undefined when a price it needs is unknown,
 * never 0 for an unknown model.
 *
 * - A chat completion (a `ModelResponse`, or one rebuilt from a stream by
 *   `streamChunkBuilder()`, when the stream sent usage): prompt tokens at `inputCostPerToken`,
 *   of which cached ones (`prompt_tokens_details.cached_tokens`) at `cachedInputCostPerToken`
 *   and cache writes (`prompt_tokens_details.cache_creation_tokens`, Anthropic's) at
 *   `cacheWriteInputCostPerToken` when known, at the input price otherwise; completion tokens at
 *   `outputCostPerToken`. Reasoning tokens are part of the completion tokens (OpenAI's
 *   convention, which llmux's adapters follow), so they are not added again.
 * - An embedding list: prompt tokens only.
 * - An image list: its token usage where the model has token prices (`gpt-image-1`), else
 *   `outputCostPerImage` for each image.
 * - A `Usage`: as a chat completion; `model` is then required.
 *
 * `costPerRequest`, when known, is added once. No rounding: the sum of the products, as floating
 * point gives it (round for display: `cost.toFixed(6)`). Audio tokens are priced as text, and
 * prices that rise past a prompt length (long-context tiers) at their base tier.
 *
 * @param model - The model to price as: an llmux model string (`cometapi/gpt-5`) or a bare id.
 *   By default, a response's Router deployment (`_hidden_params.deployment.model`), else its
 *   `model` under its provider (`_hidden_params.provider`), else its `model` alone. Give the
 *   model you called when you registered prices under its name.
 * @example
 * const response = await completion({ model: "openai/gpt-4o", messages });
 * completionCost(response); // 0.0001425 for 9 prompt and 12 completion tokens
 * completionCost(response.usage!, "openai/gpt-4o"); // the same
 */
export function completionCost(responseOrUsage: CostSource, model?: string): number | undefined {
  if (typeof responseOrUsage !== "object" || responseOrUsage === null) return undefined;
  const source = responseOrUsage as Fields;
  for (const name of modelNames(source, model)) {
    const info = getModelInfo(name);
    if (info === undefined) continue;
    const cost = costOf(source, info);
    if (cost !== undefined) return cost;
  }
  return undefined;
}

/** The names to price as, in order: the first whose prices cover the usage wins. */
function modelNames(source: Fields, model: string | undefined): string[] {
  if (model !== undefined) return [model];
  const names: string[] = [];
  const hidden = record(source._hidden_params);
  const deployment = record(hidden?.deployment);
  if (typeof deployment?.model === "string") names.push(deployment.model);
  if (typeof source.model === "string" && source.model !== "") {
    const provider = hidden?.provider;
    if (typeof provider === "string" && provider !== "") names.push(`${provider}/${source.model}`);
    names.push(source.model);
  }
  return names;
}

function costOf(source: Fields, info: ModelInfo): number | undefined {
  const perRequest = info.costPerRequest ?? 0;
  if (isImageList(source)) {
    const usage = record(source.usage);
    const byTokens = usage === undefined ? undefined : tokenCost(usage, info);
    if (byTokens !== undefined) return byTokens + perRequest;
    const images = (source.data as unknown[]).length;
    if (info.outputCostPerImage !== undefined) return images * info.outputCostPerImage + perRequest;
    return info.costPerRequest;
  }
  const usage = isUsage(source) ? source : record(source.usage);
  if (usage === undefined) return undefined;
  const cost = tokenCost(usage, info);
  return cost === undefined ? undefined : cost + perRequest;
}

/** A usage object itself, rather than an answer holding one. */
function isUsage(source: Fields): boolean {
  return "prompt_tokens" in source || "input_tokens" in source || "completion_tokens" in source;
}

/** An image generation answer: a `data` list that is not an embedding list. */
function isImageList(source: Fields): boolean {
  return Array.isArray(source.data) && source.object !== "list" && !isUsage(source);
}

/**
 * The token cost of a usage in OpenAI's names (`prompt_tokens`, `completion_tokens`) or in the
 * image API's (`input_tokens`, `output_tokens`); undefined when a price it needs is unknown or
 * the usage has no token counts.
 */
function tokenCost(usage: Fields, info: ModelInfo): number | undefined {
  const prompt = count(usage.prompt_tokens ?? usage.input_tokens);
  let completion = count(usage.completion_tokens ?? usage.output_tokens);
  if (prompt === undefined && completion === undefined) return undefined;
  const promptDetails = record(usage.prompt_tokens_details ?? usage.input_tokens_details);
  const completionDetails = record(usage.completion_tokens_details);
  const cached = count(promptDetails?.cached_tokens) ?? 0;
  const cacheWrites = count(promptDetails?.cache_creation_tokens) ?? 0;
  const reasoning = count(completionDetails?.reasoning_tokens) ?? 0;
  // Counted in the completion tokens by OpenAI's convention; a provider that counts them apart
  // shows it by reporting more of them than completion tokens.
  if (reasoning > (completion ?? 0)) completion = (completion ?? 0) + reasoning;

  let cost = 0;
  const promptTokens = prompt ?? 0;
  if (promptTokens > 0) {
    const input = info.inputCostPerToken;
    if (input === undefined) return undefined;
    const uncached = Math.max(promptTokens - cached - cacheWrites, 0);
    cost +=
      uncached * input +
      cached * (info.cachedInputCostPerToken ?? input) +
      cacheWrites * (info.cacheWriteInputCostPerToken ?? input);
  }
  const completionTokens = completion ?? 0;
  if (completionTokens > 0) {
    if (info.outputCostPerToken === undefined) return undefined;
    cost += completionTokens * info.outputCostPerToken;
  }
  if (promptTokens === 0 && completionTokens === 0 && info.inputCostPerToken === undefined) {
    return undefined;
  }
  return cost;
}

function count(value: unknown): number | undefined {
  return typeof value === "number" && Number.isFinite(value) && value >= 0 ? value : undefined;
}

function record(value: unknown): Fields | undefined {
  return typeof value === "object" && value !== null ? (value as Fields) : undefined;
}
