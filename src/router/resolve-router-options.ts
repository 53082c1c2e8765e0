/**
 * The validation of `new Router()`'s options, and their defaults: every problem found before
 * any request, named by its path with the fix (LiteLLM's snake_case names point to llmux's).
 */
import { BadRequestError, type ValidationIssue } from "../errors/errors.js";
import { isRecord } from "../json-guards.js";
import { parseModel } from "../params/parse-model.js";
import { suggestKey } from "../params/validate-params.js";
import { type Deployment, type DeploymentConfig, toDeployment } from "./deployment.js";
import type { ResolvedRouterOptions, RouterOptions } from "./router-options.js";
import { ROUTING_STRATEGIES } from "./routing-strategy.js";

const DURATION_UNITS_MS: Record<string, number> = {
  s: 1_000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
};

/** `"30s"`, `"1m"`, `"1h"`, `"1d"`, `"30d"` in ms; undefined when not in that format. */
export function parseBudgetDuration(value: unknown): number | undefined {
  if (typeof value !== "string") return undefined;
  const match = /^(\d+)([smhd])$/.exec(value);
  if (match === null) return undefined;
  const ms = Number(match[1]) * (DURATION_UNITS_MS[match[2] as string] as number);
  return ms > 0 && Number.isSafeInteger(ms) ? ms : undefined;
}

const OPTION_KEYS = [
  "modelList",
  "routingStrategy",
  "numRetries",
  "fallbacks",
  "contextWindowFallbacks",
  "contentPolicyFallbacks",
  "defaultFallbacks",
  "allowedFails",
  "cooldownTime",
  "random",
  "now",
  "redis",
  "redisKeyPrefix",
  "callbacks",
  "maxBudget",
  "budgetDuration",
];
const DEPLOYMENT_KEYS = ["modelName", "params", "id", "rpm", "tpm", "weight"];
/** LiteLLM's names, for the hint. */
const LITELLM_NAMES: Record<string, string> = {
  model_list: "modelList",
  litellm_params: "params",
  model_name: "modelName",
  model_info: "id (model_info.id)",
  redis_url: "redis",
  max_budget: "maxBudget",
  budget_duration: "budgetDuration",
};

const isWhole = (value: unknown): value is number =>
  typeof value === "number" && Number.isSafeInteger(value) && value >= 0;
const isPositive = (value: unknown): value is number =>
  typeof value === "number" && Number.isFinite(value) && value > 0;

/** Validates `options` and fills in the defaults; one `BadRequestError` lists every problem. */
export function resolveRouterOptions(options: RouterOptions): ResolvedRouterOptions {
  const issues: ValidationIssue[] = [];
  const issue = (path: string, message: string) => issues.push({ path, message });
  if (!isRecord(options)) {
    throw new BadRequestError(
      "llmux: new Router() takes one object of options, with `modelList`.",
      {
        issues: [{ path: "", message: "must be an object with modelList" }],
      },
    );
  }
  unknownKeys(options, OPTION_KEYS, "", issue);

  const deployments: Deployment[] = [];
  if (!Array.isArray(options.modelList) || options.modelList.length === 0) {
    issue("modelList", "must be a non-empty array of { modelName, params: { model, ... } }");
  } else {
    options.modelList.forEach((entry, index) => {
      const deployment = checkDeployment(entry, `modelList[${index}]`, issue);
      if (deployment !== undefined) deployments.push(deployment);
    });
  }
  const groups = new Map<string, Deployment[]>();
  const ids = new Set<string>();
  for (const deployment of deployments) {
    if (ids.has(deployment.id)) {
      issue(
        "modelList",
        `has two deployments with the id "${deployment.id}"; give each its own \`id\``,
      );
    }
    ids.add(deployment.id);
    const group = groups.get(deployment.modelName);
    if (group === undefined) groups.set(deployment.modelName, [deployment]);
    else group.push(deployment);
  }

  const strategy = options.routingStrategy ?? "simple-shuffle";
  if (!ROUTING_STRATEGIES.includes(strategy)) {
    issue(
      "routingStrategy",
      `must be one of ${ROUTING_STRATEGIES.map((name) => `"${name}"`).join(", ")}, not ${JSON.stringify(strategy)}`,
    );
  }
  const whole = (key: "numRetries" | "allowedFails", fallback: number) => {
    const value = options[key];
    if (value === undefined) return fallback;
    if (!isWhole(value)) issue(key, `must be a whole number from 0, not ${String(value)}`);
    return value;
  };
  const numRetries = whole("numRetries", 2);
  const allowedFails = whole("allowedFails", 3);
  const cooldownTime = options.cooldownTime ?? 5_000;
  if (typeof cooldownTime !== "number" || !Number.isFinite(cooldownTime) || cooldownTime < 0) {
    issue("cooldownTime", `must be a number of milliseconds from 0, not ${String(cooldownTime)}`);
  }
  const redis = options.redis;
  if (typeof redis === "string") {
    if (!/^rediss?:\/\//.test(redis)) {
      issue(
        "redis",
        'must be a Redis URL ("redis://host:6379" or "rediss://...") or a node-redis client',
      );
    }
  } else if (
    redis !== undefined &&
    (!isRecord(redis) || typeof (redis as { sendCommand?: unknown }).sendCommand !== "function")
  ) {
    issue(
      "redis",
      "must be a Redis URL or a node-redis client (createClient() or createCluster())",
    );
  }
  const keyPrefix = options.redisKeyPrefix;
  if (keyPrefix !== undefined && (typeof keyPrefix !== "string" || /[{}\s]/.test(keyPrefix))) {
    issue("redisKeyPrefix", "must be a string without braces or spaces");
  }
  for (const key of ["random", "now"] as const) {
    if (options[key] !== undefined && typeof options[key] !== "function") {
      issue(key, "must be a function");
    }
  }

  const callbacks = options.callbacks;
  if (
    callbacks !== undefined &&
    (!Array.isArray(callbacks) ||
      !callbacks.every((handler) => typeof handler === "object" && handler !== null))
  ) {
    issue("callbacks", "must be an array of handler objects (onStart, onSuccess, ...)");
  }

  let budget: ResolvedRouterOptions["budget"];
  const maxBudget = options.maxBudget;
  const duration = options.budgetDuration ?? "1d";
  const durationMs = parseBudgetDuration(duration);
  if (durationMs === undefined) {
    issue(
      "budgetDuration",
      `must be a whole number and s, m, h or d ("30s", "1h", "1d", "30d"), not ${JSON.stringify(duration)}`,
    );
  }
  if (maxBudget !== undefined) {
    if (!isPositive(maxBudget)) {
      issue("maxBudget", `must be a positive number of USD, not ${String(maxBudget)}`);
    } else if (durationMs !== undefined) {
      budget = { maxBudget, duration, durationMs };
    }
  }

  const known = [...groups.keys()];
  const fallbackMap = (key: "fallbacks" | "contextWindowFallbacks" | "contentPolicyFallbacks") =>
    checkFallbackMap(options[key], key, groups, known, issue);
  const fallbacks = fallbackMap("fallbacks");
  const contextWindowFallbacks = fallbackMap("contextWindowFallbacks");
  const contentPolicyFallbacks = fallbackMap("contentPolicyFallbacks");
  const defaultFallbacks = checkGroupList(
    options.defaultFallbacks ?? [],
    "defaultFallbacks",
    groups,
    known,
    issue,
  );

  if (issues.length > 0) {
    const lines = issues.map(
      ({ path, message }) => `  - ${path === "" ? "" : `${path} `}${message}`,
    );
    throw new BadRequestError(
      `llmux: new Router(): ${issues.length === 1 ? "an option is" : `${issues.length} options are`} invalid:\n${lines.join("\n")}`,
      { issues },
    );
  }
  return {
    deployments,
    groups,
    routingStrategy: strategy,
    numRetries,
    fallbacks,
    contextWindowFallbacks,
    contentPolicyFallbacks,
    defaultFallbacks,
    allowedFails,
    cooldownTime,
    random: options.random ?? Math.random,
    now: options.now ?? Date.now,
    redis,
    redisKeyPrefix: keyPrefix === undefined || keyPrefix === "" ? "llmux:" : `llmux:${keyPrefix}:`,
    callbacks: callbacks === undefined || callbacks.length === 0 ? undefined : callbacks,
    budget,
  };
}

function unknownKeys(
  record: Record<string, unknown>,
  known: readonly string[],
  prefix: string,
  issue: (path: string, message: string) => void,
): void {
  for (const key of Object.keys(record)) {
    if (known.includes(key)) continue;
    const suggestion = LITELLM_NAMES[key] ?? suggestKey(key, known);
    issue(
      `${prefix}${key}`,
      `is not an option${suggestion === undefined ? "" : `; did you mean \`${suggestion}\`?`} (known: ${known.join(", ")})`,
    );
  }
}

function checkDeployment(
  entry: unknown,
  path: string,
  issue: (path: string, message: string) => void,
): Deployment | undefined {
  if (!isRecord(entry)) {
    issue(path, "must be an object: { modelName, params: { model, ... } }");
    return undefined;
  }
  unknownKeys(entry, DEPLOYMENT_KEYS, `${path}.`, issue);
  let valid = true;
  if (typeof entry.modelName !== "string" || entry.modelName === "") {
    issue(`${path}.modelName`, "must be a non-empty string: the group name callers use as `model`");
    valid = false;
  }
  const params = entry.params;
  if (!isRecord(params) || typeof params.model !== "string") {
    issue(`${path}.params.model`, 'is required: the deployment\'s model, such as "cometapi/gpt-5"');
    valid = false;
  } else {
    try {
      parseModel(params.model);
    } catch (error) {
      issue(`${path}.params.model`, (error as Error).message.replace(/^llmux: /, ""));
      valid = false;
    }
    for (const key of ["messages", "stream"]) {
      if (key in params) {
        issue(`${path}.params.${key}`, "belongs to each call, not to a deployment");
        valid = false;
      }
    }
  }
  for (const key of ["rpm", "tpm", "weight"] as const) {
    if (entry[key] !== undefined && !isPositive(entry[key])) {
      issue(`${path}.${key}`, `must be a positive number, not ${String(entry[key])}`);
      valid = false;
    }
  }
  if (entry.id !== undefined && (typeof entry.id !== "string" || entry.id === "")) {
    issue(`${path}.id`, "must be a non-empty string");
    valid = false;
  }
  return valid ? toDeployment(entry as unknown as DeploymentConfig) : undefined;
}

function checkGroupList(
  value: unknown,
  path: string,
  groups: ReadonlyMap<string, unknown>,
  known: readonly string[],
  issue: (path: string, message: string) => void,
): string[] {
  if (!Array.isArray(value) || value.some((name) => typeof name !== "string")) {
    issue(path, "must be an array of model group names");
    return [];
  }
  for (const name of value as string[]) {
    if (!groups.has(name)) {
      issue(
        path,
        `names "${name}", which is no modelName of modelList (known: ${known.join(", ")})`,
      );
    }
  }
  return value as string[];
}

function checkFallbackMap(
  value: unknown,
  path: string,
  groups: ReadonlyMap<string, unknown>,
  known: readonly string[],
  issue: (path: string, message: string) => void,
): Record<string, string[]> {
  if (value === undefined) return {};
  if (!isRecord(value)) {
    issue(path, 'must be an object of group -> fallback groups: { smart: ["fast"] }');
    return {};
  }
  // No prototype: a group named "__proto__" or "constructor" is a key like any other.
  const map: Record<string, string[]> = Object.create(null);
  for (const [group, list] of Object.entries(value)) {
    if (!groups.has(group)) {
      issue(`${path}.${group}`, `is no modelName of modelList (known: ${known.join(", ")})`);
    }
    map[group] = checkGroupList(list, `${path}.${group}`, groups, known, issue);
  }
  return map;
}
