/** The options of `new Router()`, as given and as resolved (validation: `resolve-router-options.ts`). */
import type { CallbackHandler } from "../observability/callbacks.js";
import type { Deployment, DeploymentConfig } from "./deployment.js";
import type { RedisClientLike } from "./redis-link.js";
import type { RoutingStrategy } from "./routing-strategy.js";

/** Options of `new Router()`. */
export interface RouterOptions {
  /** The deployments: `{ modelName, params, id?, rpm?, tpm?, weight? }`. */
  modelList: DeploymentConfig[];
  /**
   * How calls are spread over a group's deployments.
   * @default "simple-shuffle"
   */
  routingStrategy?: RoutingStrategy | undefined;
  /**
   * Further attempts in a group after a retryable failure, each on a deployment chosen afresh.
   * @default 2
   */
  numRetries?: number | undefined;
  /**
   * Groups to try, in order, when a group has failed: `{ smart: ["fast"] }`.
   * @default {}
   */
  fallbacks?: Record<string, string[]> | undefined;
  /** Used instead of `fallbacks` for a `ContextWindowExceededError`. @default {} */
  contextWindowFallbacks?: Record<string, string[]> | undefined;
  /** Used instead of `fallbacks` for a `ContentPolicyViolationError`. @default {} */
  contentPolicyFallbacks?: Record<string, string[]> | undefined;
  /** Tried after a group's own `fallbacks`, for every group. @default [] */
  defaultFallbacks?: string[] | undefined;
  /**
   * Failures a deployment may have within a minute; the next one cools it down.
   * @default 3
   */
  allowedFails?: number | undefined;
  /**
   * Milliseconds a cooled deployment gets no calls (a longer `retry-after` lengthens it, up to 60 s).
   * @default 5000
   */
  cooldownTime?: number | undefined;
  /**
   * Shares the router's state (cooldowns, per-minute counts, requests in flight, latencies)
   * between processes: a Redis URL (`redis://...`, `rediss://...`), or a node-redis client or
   * cluster client you made (`createClient()` / `createCluster()`, connected; it stays yours).
   * Without it, the state lives in this process. Needs the `redis` package when given a URL.
   */
  redis?: string | RedisClientLike | undefined;
  /** Put after `llmux:` in every key, to keep apps that share a Redis apart. */
  redisKeyPrefix?: string | undefined;
  /**
   * The random source of `simple-shuffle` and of ties between equal deployments; give a seeded
   * one for reproducible routing.
   * @default Math.random
   */
  random?: (() => number) | undefined;
  /**
   * The clock (epoch ms) for cooldowns and per-minute limits.
   * @default Date.now
   */
  now?: (() => number) | undefined;
  /**
   * Handlers of every call through this router (besides the call's own `callbacks` and those
   * of `addCallback()`): one `onStart` and one `onSuccess` or `onFailure` per router call, an
   * `onRetry` before each retry in a group, an `onFallback` before each fallback group.
   * @default []
   */
  callbacks?: readonly CallbackHandler[] | undefined;
  /**
   * The most this router may spend (USD) per `budgetDuration`: once the spend of the current
   * window has reached it, a call throws `BudgetExceededError` before any request. The spend is
   * each call's `_hidden_params.responseCost` (a stream's when it ends); a call whose cost is
   * unknown (no price for its model, no usage) adds nothing. Kept in the router's state (shared
   * on Redis with `redis`). Without it, no budget.
   */
  maxBudget?: number | undefined;
  /**
   * The budget's window, LiteLLM's format: a whole number and `s`, `m`, `h` or `d` (`"30s"`,
   * `"1h"`, `"7d"`, `"30d"`). Windows are fixed (epoch ms / duration, in UTC), not sliding.
   * @default "1d"
   */
  budgetDuration?: string | undefined;
}

/** The options with their defaults, and the deployments resolved and grouped. */
export interface ResolvedRouterOptions {
  readonly deployments: readonly Deployment[];
  readonly groups: ReadonlyMap<string, readonly Deployment[]>;
  readonly routingStrategy: RoutingStrategy;
  readonly numRetries: number;
  readonly fallbacks: Readonly<Record<string, readonly string[]>>;
  readonly contextWindowFallbacks: Readonly<Record<string, readonly string[]>>;
  readonly contentPolicyFallbacks: Readonly<Record<string, readonly string[]>>;
  readonly defaultFallbacks: readonly string[];
  readonly allowedFails: number;
  readonly cooldownTime: number;
  readonly random: () => number;
  readonly now: () => number;
  readonly redis: string | RedisClientLike | undefined;
  /** `llmux:` and the caller's `redisKeyPrefix`, ready to put before a key. */
  readonly redisKeyPrefix: string;
  /** `undefined` when none were given. */
  readonly callbacks: readonly CallbackHandler[] | undefined;
  /** `undefined`: no budget. */
  readonly budget:
    | { readonly maxBudget: number; readonly duration: string; readonly durationMs: number }
    | undefined;
}
