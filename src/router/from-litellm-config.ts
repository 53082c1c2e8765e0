/**
 * `Router.fromLiteLLMConfig()`: the parsed object of a LiteLLM proxy `config.yaml` as
 * `RouterOptions`. Every problem is found at once and named by its LiteLLM path with the fix;
 * nothing that changes where or how a request goes is dropped without a word.
 */
import { BadRequestError, type ValidationIssue } from "../errors/errors.js";
import type { ChatWireParams } from "../params/schemas.js";
import { getProvider, listProviders } from "../providers/registry.js";
import type { DeploymentConfig, DeploymentParams } from "./deployment.js";
import type { RouterOptions } from "./router-options.js";
import type { RoutingStrategy } from "./routing-strategy.js";

type Env = Record<string, string | undefined>;

/** Where a value came from `os.environ/NAME` and NAME was not set: already reported. */
const MISSING = Symbol("missing");

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
/** `router_settings` keys left out: logging and LiteLLM's HTTP client cache, or as above. */
const IGNORED_ROUTER_SETTINGS = new Set([
  "debug_level",
  "set_verbose",
  "client_ttl",
  "stream_timeout",
]);
/** Read from `router_settings`, else from `litellm_settings` (LiteLLM reads both; the first wins). */
const SHARED_SETTINGS = [
  "num_retries",
  "fallbacks",
  "context_window_fallbacks",
  "content_policy_fallbacks",
  "default_fallbacks",
  "allowed_fails",
  "cooldown_time",
] as const;
const ROUTER_SETTINGS = new Set<string>([...SHARED_SETTINGS, "routing_strategy", "timeout"]);

const STRATEGIES: Record<string, RoutingStrategy> = {
  "simple-shuffle": "simple-shuffle",
  "least-busy": "least-busy",
  "usage-based-routing": "usage-based",
  "usage-based-routing-v2": "usage-based",
  "latency-based-routing": "latency-based",
};

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

const isRecord = (value: unknown): value is Record<string, unknown> =>
  value !== null && typeof value === "object" && !Array.isArray(value);

/** The state of one conversion: the environment, and the problems found so far. */
interface Reader {
  readonly env: Env;
  /** The config's `environment_variables`, only to explain a missing variable. */
  readonly configEnvironment: Record<string, unknown>;
  readonly issues: ValidationIssue[];
}

/**
 * Builds `RouterOptions` from the parsed object of a LiteLLM proxy `config.yaml` (parse the YAML
 * yourself; llmux adds no YAML dependency). `Router.fromLiteLLMConfig(config, env?)` is
 * `new Router(routerOptionsFromLiteLLMConfig(config, env))`.
 *
 * - `model_list[]`: `model_name` -> `modelName`; `model_info.id` -> `id`; `rpm`, `tpm` (on the
 *   entry, in `litellm_params` or in `model_info`, LiteLLM's order) and `weight` as they are.
 * - `litellm_params`: `model` keeps its provider prefix (`openai/gpt-4o`, `cometapi/...`; a bare
 *   `gpt-4o` is OpenAI's, as in LiteLLM; `custom_llm_provider` is put in front, as LiteLLM does);
 *   a provider llmux does not have is an error. `api_key` -> `apiKey`, `api_base` or `base_url`
 *   -> `apiBase`, `timeout` (seconds) -> `timeout` (ms), `extra_headers` -> `extraHeaders`,
 *   `extra_body` -> `extraBody`, wire parameters (`temperature`, `max_tokens`, ...) as they are.
 *   Left out: `max_retries` (the router is the only retry loop; it calls deployments with
 *   `maxRetries: 0`) and `stream_timeout` (llmux has no stream-only timeout: a stream's first
 *   chunk is bounded by `timeout`). Any other key is an error, so that nothing is lost unseen.
 * - `router_settings`: `routing_strategy` (`usage-based-routing` and `-v2` -> `usage-based`,
 *   `latency-based-routing` -> `latency-based`); `num_retries`, `allowed_fails`, `cooldown_time`
 *   (seconds -> ms), `fallbacks`, `context_window_fallbacks`, `content_policy_fallbacks` (lists
 *   of one-key maps -> one map), `default_fallbacks` (and a `"*"` entry of `fallbacks`) ->
 *   `defaultFallbacks`, each also read from `litellm_settings`, where `router_settings` wins;
 *   `timeout` (else `litellm_settings.request_timeout`), in seconds -> the `timeout` of each
 *   deployment that sets none. Redis settings (`redis_url`, `redis_host`, ...) emit one
 *   `LLMUX_REDIS_PENDING` warning: the state is kept in the process for now. Other keys are
 *   errors, but for `debug_level`, `set_verbose`, `client_ttl` and `stream_timeout`.
 * - `os.environ/NAME` anywhere a value is read -> `env[NAME]`; an unset one is an error.
 * - `general_settings`, `environment_variables` and the other `litellm_settings` keys configure
 *   the LiteLLM proxy, not its router, and are ignored.
 *
 * @param config The parsed `config.yaml`.
 * @param env Where `os.environ/NAME` values are read. @default process.env
 * @throws {BadRequestError} listing every problem (`issues`), each with its path and the fix.
 * @example
 * import { readFileSync } from "node:fs";
 * import { parse } from "yaml";
 * const router = Router.fromLiteLLMConfig(parse(readFileSync("config.yaml", "utf8")));
 * await router.completion({ model: "gpt-4o", messages: [{ role: "user", content: "Hi" }] });
 */
export function routerOptionsFromLiteLLMConfig(
  config: unknown,
  env: Env = process.env,
): RouterOptions {
  if (!isRecord(config) || !Array.isArray(config.model_list) || config.model_list.length === 0) {
    let what: string;
    if (!isRecord(config)) {
      what = `is ${config === null ? "null" : Array.isArray(config) ? "an array" : `a ${typeof config}`}`;
    } else if (config.model_list === undefined) what = "has no `model_list`";
    else if (!Array.isArray(config.model_list)) what = "has a `model_list` that is not a list";
    else what = "has an empty `model_list`";
    throw new BadRequestError(
      `llmux: Router.fromLiteLLMConfig() takes the parsed object of a LiteLLM config.yaml, with a non-empty \`model_list\` of { model_name, litellm_params: { model, ... } }; this one ${what}. Parse the YAML first (for example with the \`yaml\` package: parse(readFileSync("config.yaml", "utf8"))).`,
      {
        issues: [
          {
            path: isRecord(config) ? "model_list" : "",
            message: "must be a non-empty list of { model_name, litellm_params } entries",
          },
        ],
      },
    );
  }
  const reader: Reader = {
    env,
    configEnvironment: isRecord(config.environment_variables) ? config.environment_variables : {},
    issues: [],
  };
  const routerSettings = section(config, "router_settings", reader);
  const litellmSettings = section(config, "litellm_settings", reader);
  const modelList: unknown[] = config.model_list;
  /** Every `model_name` given, for the fallbacks' names (also of entries with other problems). */
  const groups = new Set<string>();

  const options: RouterOptions = { modelList: [] };
  modelList.forEach((entry, index) => {
    const deployment = readDeployment(entry, `model_list[${index}]`, groups, reader);
    if (deployment !== undefined) options.modelList.push(deployment);
  });

  for (const key of Object.keys(routerSettings)) {
    if (ROUTER_SETTINGS.has(key) || IGNORED_ROUTER_SETTINGS.has(key) || key.startsWith("redis_")) {
      continue;
    }
    issue(
      reader,
      `router_settings.${key}`,
      `is a LiteLLM router setting llmux has no counterpart for; remove it (llmux reads ${[...ROUTER_SETTINGS].join(", ")})`,
    );
  }
  const setting = (key: (typeof SHARED_SETTINGS)[number]) =>
    routerSettings[key] !== undefined
      ? at(routerSettings, "router_settings", key, reader)
      : at(litellmSettings, "litellm_settings", key, reader);

  const strategy = at(routerSettings, "router_settings", "routing_strategy", reader).value;
  if (typeof strategy === "string" && Object.hasOwn(STRATEGIES, strategy)) {
    options.routingStrategy = STRATEGIES[strategy];
  } else if (strategy !== undefined && strategy !== MISSING) {
    issue(
      reader,
      "router_settings.routing_strategy",
      `is ${JSON.stringify(strategy)}, a strategy llmux does not have; use one of ${Object.keys(STRATEGIES).join(", ")}`,
    );
  }
  const numRetries = readNumber(setting("num_retries"), "whole", reader);
  if (numRetries !== undefined) options.numRetries = numRetries;
  const allowedFails = readNumber(setting("allowed_fails"), "whole", reader);
  if (allowedFails !== undefined) options.allowedFails = allowedFails;
  const cooldownSeconds = readNumber(setting("cooldown_time"), "from zero", reader);
  if (cooldownSeconds !== undefined) options.cooldownTime = Math.round(cooldownSeconds * 1000);

  const fallbacks = readFallbacks(setting("fallbacks"), true, groups, reader);
  if (fallbacks !== undefined) options.fallbacks = fallbacks.map;
  for (const [key, option] of [
    ["context_window_fallbacks", "contextWindowFallbacks"],
    ["content_policy_fallbacks", "contentPolicyFallbacks"],
  ] as const) {
    const read = readFallbacks(setting(key), false, groups, reader);
    if (read !== undefined) options[option] = read.map;
  }
  const defaults = setting("default_fallbacks");
  const defaultFallbacks = readGroupList(defaults.value, defaults.path, groups, reader);
  if (defaultFallbacks !== undefined && fallbacks?.generic !== undefined) {
    issue(
      reader,
      defaults.path,
      `and a "*" entry of ${fallbacks.path} both give fallbacks for every group; keep one of them`,
    );
  }
  const everyGroup = defaultFallbacks ?? fallbacks?.generic;
  if (everyGroup !== undefined) options.defaultFallbacks = everyGroup;

  // LiteLLM's order: the deployment's own timeout, the router's, then the module-wide default.
  const timeout =
    routerSettings.timeout !== undefined
      ? at(routerSettings, "router_settings", "timeout", reader)
      : at(litellmSettings, "litellm_settings", "request_timeout", reader);
  const timeoutSeconds = readNumber(timeout, "positive", reader);
  if (timeoutSeconds !== undefined) {
    for (const deployment of options.modelList) deployment.params.timeout ??= toMs(timeoutSeconds);
  }

  if (reader.issues.length > 0) {
    const lines = reader.issues.map(({ path, message }) => `  - ${path} ${message}`);
    throw new BadRequestError(
      `llmux: Router.fromLiteLLMConfig(): ${reader.issues.length === 1 ? "a setting is" : `${reader.issues.length} settings are`} invalid:\n${lines.join("\n")}`,
      { issues: reader.issues },
    );
  }
  const redisKeys = Object.keys(routerSettings).filter((key) => key.startsWith("redis_"));
  if (redisKeys.length > 0) {
    // Names only: a value may be (or hold) a password.
    process.emitWarning(
      `llmux: Router.fromLiteLLMConfig(): router_settings has Redis settings (${redisKeys.join(", ")}). Sharing a router's state on Redis comes in a later llmux version; for now this router keeps its cooldowns and per-minute usage in this process.`,
      { code: "LLMUX_REDIS_PENDING" },
    );
  }
  return options;
}

/** `record[key]` with its path, `os.environ/` values resolved. */
function at(record: Record<string, unknown>, path: string, key: string, reader: Reader) {
  return { value: resolve(record[key], `${path}.${key}`, reader), path: `${path}.${key}` };
}

function issue(reader: Reader, path: string, message: string): void {
  reader.issues.push({ path, message });
}

/** A top-level section as a record (absent is empty). */
function section(config: Record<string, unknown>, key: string, reader: Reader) {
  const value = config[key];
  if (value === undefined || value === null) return {};
  if (isRecord(value)) return value;
  issue(reader, key, "must be a map of settings");
  return {};
}

/**
 * `value` with every `os.environ/NAME` string replaced by `env[NAME]` (LiteLLM's `get_secret`),
 * or {@link MISSING} when one is not set.
 */
function resolve(value: unknown, path: string, reader: Reader): unknown {
  if (typeof value === "string" && value.startsWith("os.environ/")) {
    const name = value.slice("os.environ/".length);
    const found = reader.env[name];
    if (found !== undefined && found !== "") return found;
    const inConfig = Object.hasOwn(reader.configEnvironment, name)
      ? " (the config's environment_variables sets it, but llmux does not read that section)"
      : "";
    issue(
      reader,
      path,
      `reads the environment variable ${name}, which is not set${inConfig}; set it, or pass it in the \`env\` argument of Router.fromLiteLLMConfig(config, env)`,
    );
    return MISSING;
  }
  if (Array.isArray(value)) {
    const items = value.map((item, index) => resolve(item, `${path}[${index}]`, reader));
    return items.includes(MISSING) ? MISSING : items;
  }
  if (isRecord(value)) {
    const entries = Object.entries(value).map(([key, item]) => [
      key,
      resolve(item, `${path}.${key}`, reader),
    ]);
    return entries.some(([, item]) => item === MISSING) ? MISSING : Object.fromEntries(entries);
  }
  return value;
}

const toMs = (seconds: number) => Math.max(1, Math.round(seconds * 1000));

/**
 * A number, also from a numeric string (what `os.environ/NAME` gives); `undefined` when absent
 * or invalid (then reported).
 */
function readNumber(
  { value, path }: { value: unknown; path: string },
  rule: "positive" | "whole" | "from zero",
  reader: Reader,
): number | undefined {
  if (value === undefined || value === null || value === MISSING) return undefined;
  const number = typeof value === "string" && value.trim() !== "" ? Number(value) : value;
  const valid =
    typeof number === "number" &&
    Number.isFinite(number) &&
    (rule === "positive" ? number > 0 : number >= 0) &&
    (rule !== "whole" || Number.isSafeInteger(number));
  if (valid) return number;
  const wanted = {
    positive: "a positive number",
    whole: "a whole number from 0",
    "from zero": "a number from 0",
  }[rule];
  issue(reader, path, `must be ${wanted}, not ${JSON.stringify(value)}`);
  return undefined;
}

function readDeployment(
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

/** A list of group names, each a `model_name` of the config; `undefined` when absent or invalid. */
function readGroupList(
  value: unknown,
  path: string,
  groups: ReadonlySet<unknown>,
  reader: Reader,
): string[] | undefined {
  if (value === undefined || value === null || value === MISSING) return undefined;
  if (!Array.isArray(value) || value.some((name) => typeof name !== "string")) {
    issue(reader, path, 'must be a list of model_name values, such as ["gpt-4o-mini"]');
    return undefined;
  }
  const names = value as string[];
  for (const name of names) {
    if (!groups.has(name)) {
      issue(
        reader,
        path,
        `names "${name}", which is no model_name of model_list; fix the name or add the model`,
      );
    }
  }
  return names;
}

/**
 * LiteLLM's fallbacks, a list of one-key maps (`[{ "gpt-4o": ["gpt-4o-mini"] }]`), as one map.
 * A `"*"` key (LiteLLM's fallbacks for every group) is returned apart, where `generic` allows it.
 */
function readFallbacks(
  { value, path }: { value: unknown; path: string },
  generic: boolean,
  groups: ReadonlySet<unknown>,
  reader: Reader,
): { map: Record<string, string[]>; generic: string[] | undefined; path: string } | undefined {
  if (value === undefined || value === null || value === MISSING) return undefined;
  if (!Array.isArray(value)) {
    issue(reader, path, 'must be a list of one-key maps: [{ "gpt-4o": ["gpt-4o-mini"] }]');
    return undefined;
  }
  const map: Record<string, string[]> = {};
  let every: string[] | undefined;
  value.forEach((item, index) => {
    const itemPath = `${path}[${index}]`;
    if (!isRecord(item) || Object.keys(item).length === 0) {
      issue(
        reader,
        itemPath,
        'must be a map of a model_name to its fallbacks: { "gpt-4o": ["gpt-4o-mini"] }',
      );
      return;
    }
    for (const [group, list] of Object.entries(item)) {
      const groupPath = `${itemPath}.${group}`;
      if (group === "*" && !generic) {
        issue(
          reader,
          groupPath,
          "gives fallbacks for every group, which llmux has only for `fallbacks`; name the groups",
        );
        continue;
      }
      if (group !== "*" && !groups.has(group)) {
        issue(reader, groupPath, "is no model_name of model_list; fix the name or add the model");
      }
      if (Object.hasOwn(map, group) || (group === "*" && every !== undefined)) {
        issue(reader, groupPath, "repeats a group given earlier in the list; merge the two");
      }
      const names = readGroupList(list ?? "", groupPath, groups, reader);
      if (names === undefined) continue;
      if (group === "*") every = names;
      else map[group] = names;
    }
  });
  return { map, generic: every, path };
}
