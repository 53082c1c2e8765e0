/**
 * One `model_list` entry of a LiteLLM config as a `DeploymentConfig`: its model (with the
 * provider LiteLLM would give it), key, base, limits and the `litellm_params` llmux can honour.
 */

import { isRecord } from "../../json-guards.js";
import type { ChatWireParams } from "../../params/schemas.js";
import { getProvider, listProviders } from "../../providers/registry.js";
import type { DeploymentConfig, DeploymentParams } from "../deployment.js";
import { at, issue, MISSING, type Reader, readNumber, resolve, toMs } from "./config-reader.js";

/**
 * The wire parameters `completion()` accepts, passed through from `litellm_params`. Listed here
 * rather than read from `schemas.ts`, which is evaluated only once zod has been loaded lazily;
 * the type makes the compiler flag a key added there and not here. Not `metadata`: LiteLLM's is
 * for its logging callbacks and never sent, while llmux would send it as OpenAI's `metadata`.
 */
const WIRE_PARAMETERS: Record<Exclude<keyof ChatWireParams, "metadata">, true> = {
  temperature: true,
  top_p: true,
  n: true,
  stop: true,
  max_tokens: true,
  max_completion_tokens: true,
  presence_penalty: true,
  frequency_penalty: true,
  logit_bias: true,
  logprobs: true,
  top_logprobs: true,
  seed: true,
  user: true,
  response_format: true,
  tools: true,
  tool_choice: true,
  parallel_tool_calls: true,
  reasoning_effort: true,
  stream_options: true,
  service_tier: true,
  modalities: true,
  audio: true,
  prediction: true,
  web_search_options: true,
  store: true,
  verbosity: true,
};

/**
 * `litellm_params` keys left out on purpose, as they change nothing llmux can honour:
 * - `max_retries`: LiteLLM's per-deployment SDK retries; llmux's router calls deployments with
 *   `maxRetries: 0` and is the only retry loop (`router_settings.num_retries`).
 * - `stream_timeout`: LiteLLM's wait for a stream's first chunk. llmux's one `timeout` bounds
 *   that wait for streams and the whole answer otherwise, and has no stream-only value; mapping
 *   it to `timeout` would also cut non-streamed calls short, so streams keep `timeout`.
 */
const IGNORED_PARAMS = new Set(["max_retries", "stream_timeout"]);
/** `litellm_params` keys with an llmux counterpart, besides `model` and the wire parameters. */
const CLIENT_PARAMS = new Set([
  "api_key",
  "api_base",
  "base_url",
  "rpm",
  "tpm",
  "weight",
  "timeout",
  "extra_headers",
  "extra_body",
]);
/** The fix for LiteLLM-only `litellm_params` keys users often have. */
const PARAM_HINTS: Record<string, string> = {
  organization: 'send it as a header instead: extra_headers: { "OpenAI-Organization": "org-..." }',
  api_version: "it belongs to Azure, which llmux does not have",
  num_retries: "the router retries across deployments: set router_settings.num_retries",
  input_cost_per_token: "llmux takes prices from its own model catalog",
  output_cost_per_token: "llmux takes prices from its own model catalog",
  litellm_credential_name:
    "llmux does not read credential_list: put api_key and api_base in litellm_params",
  metadata:
    "LiteLLM keeps it for its logging callbacks, while llmux would send it to the provider as OpenAI's `metadata`",
};

export function readDeployment(
  entry: unknown,
  path: string,
  groups: Set<string>,
  reader: Reader,
): DeploymentConfig | undefined {
  if (!isRecord(entry)) {
    issue(reader, path, "must be a map: { model_name, litellm_params: { model, ... } }");
    return undefined;
  }
  for (const key of Object.keys(entry)) {
    if (!["model_name", "litellm_params", "model_info", "rpm", "tpm"].includes(key)) {
      issue(
        reader,
        `${path}.${key}`,
        "is not a key of a model_list entry (model_name, litellm_params, model_info)",
      );
    }
  }
  const modelName = resolve(entry.model_name, `${path}.model_name`, reader);
  if (typeof modelName === "string") groups.add(modelName);
  if (typeof modelName !== "string" || modelName === "" || modelName.includes("*")) {
    if (modelName !== MISSING) {
      issue(
        reader,
        `${path}.model_name`,
        typeof modelName === "string" && modelName.includes("*")
          ? "is a wildcard, and llmux has no wildcard routing: name each model group"
          : "must be a non-empty string: the name callers use as `model`",
      );
    }
  }
  const litellmParams = entry.litellm_params;
  // model_info is mostly what LiteLLM's proxy shows and prices (mode, base_model, costs,
  // max_tokens, supports_*): only `id`, `rpm` and `tpm` change routing, the rest is left out.
  const modelInfo = isRecord(entry.model_info) ? entry.model_info : {};
  if (entry.model_info !== undefined && entry.model_info !== null && !isRecord(entry.model_info)) {
    issue(reader, `${path}.model_info`, 'must be a map, such as { id: "gpt-4o-eu" }');
  }
  if (!isRecord(litellmParams)) {
    issue(reader, `${path}.litellm_params`, "must be a map with at least `model`");
    return undefined;
  }
  const paramsPath = `${path}.litellm_params`;
  const params: Record<string, unknown> = {};
  const limits: Record<string, { value: unknown; path: string }> = {};
  for (const [key, raw] of Object.entries(litellmParams)) {
    const keyPath = `${paramsPath}.${key}`;
    if (key === "model" || key === "custom_llm_provider" || IGNORED_PARAMS.has(key)) continue;
    if (!CLIENT_PARAMS.has(key) && !Object.hasOwn(WIRE_PARAMETERS, key)) {
      const hint = PARAM_HINTS[key];
      issue(
        reader,
        keyPath,
        `is a LiteLLM setting llmux has no counterpart for; remove it${hint === undefined ? "" : ` (${hint})`}`,
      );
      continue;
    }
    const value = resolve(raw, keyPath, reader);
    if (value === MISSING) continue;
    if (key === "api_key" || key === "api_base" || key === "base_url") {
      if (typeof value !== "string" || value === "") {
        issue(reader, keyPath, "must be a non-empty string");
      } else if (key === "api_key") {
        params.apiKey = value;
      } else if (params.apiBase !== undefined && params.apiBase !== value) {
        issue(reader, keyPath, "and the other of api_base / base_url differ; give one of them");
      } else {
        params.apiBase = value;
      }
    } else if (key === "rpm" || key === "tpm" || key === "weight") {
      limits[key] = { value, path: keyPath };
    } else if (key === "timeout") {
      const seconds = readNumber({ value, path: keyPath }, "positive", reader);
      if (seconds !== undefined) params.timeout = toMs(seconds);
    } else if (key === "extra_headers") {
      if (isRecord(value) && Object.values(value).every((header) => typeof header === "string")) {
        params.extraHeaders = value;
      } else {
        issue(reader, keyPath, "must be a map of header names to strings");
      }
    } else if (key === "extra_body") {
      if (isRecord(value)) params.extraBody = value;
      else issue(reader, keyPath, "must be a map, merged into the request body");
    } else {
      params[key] = value;
    }
  }
  const model = readModel(litellmParams, paramsPath, reader);
  // LiteLLM's order: the entry, then litellm_params, then model_info.
  const limit = (key: "rpm" | "tpm") =>
    entry[key] !== undefined
      ? at(entry, path, key, reader)
      : (limits[key] ?? at(modelInfo, `${path}.model_info`, key, reader));
  const rpm = readNumber(limit("rpm"), "positive", reader);
  const tpm = readNumber(limit("tpm"), "positive", reader);
  const weight =
    limits.weight === undefined ? undefined : readNumber(limits.weight, "positive", reader);
  const id = at(modelInfo, `${path}.model_info`, "id", reader).value;
  const validId = (typeof id === "string" && id !== "") || typeof id === "number";
  if (!validId && id !== undefined && id !== MISSING) {
    issue(reader, `${path}.model_info.id`, "must be a non-empty string");
  }
  if (model === undefined || typeof modelName !== "string") return undefined;
  // The cast follows the checks above: `model` is a string, every other key a known one.
  const deployment: DeploymentConfig = {
    modelName,
    params: { ...params, model } as DeploymentParams,
  };
  if (validId) deployment.id = String(id);
  if (rpm !== undefined) deployment.rpm = rpm;
  if (tpm !== undefined) deployment.tpm = tpm;
  if (weight !== undefined) deployment.weight = weight;
  return deployment;
}

/**
 * `litellm_params.model` as an llmux model: the provider prefix kept, `custom_llm_provider` put
 * in front when the model does not start with it, and a bare name given the provider LiteLLM
 * infers for it (OpenAI, but Anthropic for `claude-*` and Vertex AI for `gemini-*`).
 */
function readModel(
  litellmParams: Record<string, unknown>,
  path: string,
  reader: Reader,
): string | undefined {
  const value = resolve(litellmParams.model, `${path}.model`, reader);
  const custom = resolve(litellmParams.custom_llm_provider, `${path}.custom_llm_provider`, reader);
  if (value === MISSING || custom === MISSING) return undefined;
  if (typeof value !== "string" || value === "") {
    issue(reader, `${path}.model`, 'is required: the deployment\'s model, such as "openai/gpt-4o"');
    return undefined;
  }
  if (value.includes("*")) {
    issue(
      reader,
      `${path}.model`,
      "is a wildcard, and llmux has no wildcard routing: name each model",
    );
    return undefined;
  }
  if (custom !== undefined && (typeof custom !== "string" || custom === "")) {
    issue(reader, `${path}.custom_llm_provider`, 'must be a provider name, such as "openai"');
    return undefined;
  }
  let model = value;
  if (custom !== undefined && model.split("/")[0] !== custom) model = `${custom}/${model}`;
  const slash = model.indexOf("/");
  if (slash === -1) {
    const inferred = model.startsWith("claude")
      ? "anthropic"
      : model.startsWith("gemini")
        ? "vertex_ai"
        : "openai";
    model = `${inferred}/${model}`;
  }
  const provider = model.slice(0, model.indexOf("/"));
  if (getProvider(provider) === undefined) {
    const inferred = slash === -1 ? " (LiteLLM's provider for that bare name)" : "";
    issue(
      reader,
      `${path}.model`,
      `is ${JSON.stringify(value)}, whose provider "${provider}"${inferred} llmux does not have; use one of ${listProviders().join(", ")}, or add one with registerProvider()`,
    );
    return undefined;
  }
  if (model.length === provider.length + 1) {
    issue(reader, `${path}.model`, `has no model id after "${provider}/"`);
    return undefined;
  }
  return model;
}
