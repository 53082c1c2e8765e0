/**
 * `Router.fromLiteLLMConfig()`: the parsed object of a LiteLLM proxy `config.yaml` as
 * `RouterOptions`. Every problem is found at once and named by its LiteLLM path with the fix;
 * nothing that changes where or how a request goes is dropped without a word.
 */
import { BadRequestError } from "../../errors/errors.js";
import { isRecord } from "../../json-guards.js";
import type { RouterOptions } from "../router-options.js";
import type { RoutingStrategy } from "../routing-strategy.js";
import {
  at,
  type Env,
  issue,
  MISSING,
  type Reader,
  readNumber,
  section,
  toMs,
} from "./config-reader.js";
import { readBudget } from "./read-budget.js";
import { readDeployment } from "./read-deployment.js";
import { readFallbacks, readGroupList } from "./read-fallbacks.js";
import { readRedis } from "./read-redis.js";

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
 *   deployment that sets none. `redis_url`, or `redis_host` / `redis_port` / `redis_username` /
 *   `redis_password` / `redis_ssl` -> `redis` (the state shared on Redis). Other keys are
 *   errors, but for `debug_level`, `set_verbose`, `client_ttl` and `stream_timeout`.
 * - `os.environ/NAME` anywhere a value is read -> `env[NAME]`; an unset one is an error.
 * - `litellm_settings.max_budget` (USD) and `budget_duration` -> `maxBudget`, `budgetDuration`
 *   (both or neither: without a duration LiteLLM's budget never resets).
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

  readBudget(litellmSettings, options, reader);
  const redis = readRedis(routerSettings, reader);
  if (reader.issues.length > 0) throwIssues(reader);
  if (redis !== undefined) options.redis = redis;
  return options;
}

function throwIssues(reader: Reader): never {
  const lines = reader.issues.map(({ path, message }) => `  - ${path} ${message}`);
  throw new BadRequestError(
    `llmux: Router.fromLiteLLMConfig(): ${reader.issues.length === 1 ? "a setting is" : `${reader.issues.length} settings are`} invalid:\n${lines.join("\n")}`,
    { issues: reader.issues },
  );
}
