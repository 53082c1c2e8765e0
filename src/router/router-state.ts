/**
 * What a Router remembers about its deployments, behind one interface: in the process
 * (`memory-router-state.ts`) or shared on Redis (a later implementation). A call makes one
 * round trip before its request (`acquire`) and one after it that nobody waits for (`release`).
 */

/** A deployment's limits, as `acquire` checks them. */
export interface DeploymentLimits {
  readonly id: string;
  /** Requests a minute; undefined for no limit. */
  readonly rpm: number | undefined;
  /** Tokens (prompt + completion) a minute; undefined for no limit. */
  readonly tpm: number | undefined;
}

/** What the routing strategies read about one deployment. */
export interface DeploymentStats {
  /** Requests sent and not yet answered (for a stream: not yet ended). */
  inFlight: number;
  /** Requests counted in the current minute. */
  requestsThisMinute: number;
  /** Tokens counted in the current minute (estimates for calls still running). */
  tokensThisMinute: number;
  /** Mean of the recent latencies (time to first chunk for streams); undefined when unmeasured. */
  latencyMs: number | undefined;
  /** Epoch ms until which the deployment is cooling down; 0 when it is not. */
  cooldownUntil: number;
}

/** Asks for a deployment of a group. */
export interface AcquireRequest {
  readonly modelName: string;
  /** The group's deployments in order of preference (the routing strategy's order). */
  readonly candidates: readonly DeploymentLimits[];
  /** Tokens this call is expected to use, counted against `tpm` now and corrected by `release`. */
  readonly estimatedTokens: number;
  readonly now: number;
}

/** The deployment reserved for a call, or when one will be available. */
export type AcquireResult =
  | {
      readonly id: string;
      /** What the state needs back in `release` (where the reservation was made); opaque. */
      readonly ticket?: unknown;
    }
  | {
      readonly id: undefined;
      /** Until the first candidate is available again. */
      readonly retryAfterMs: number;
    };

/** How a call on a deployment ended, for `release`. */
export interface CallOutcome {
  readonly modelName: string;
  readonly id: string;
  /** The `ticket` `acquire` gave with this deployment. */
  readonly ticket: unknown;
  /** When the deployment was acquired, and when the call ended. */
  readonly acquiredAt: number;
  readonly now: number;
  /** Whether a request was sent at all (a validation error sends none: the reservation is undone). */
  readonly sent: boolean;
  readonly estimatedTokens: number;
  /** Tokens the call used; undefined when unknown (no usage): the estimate then stands. */
  readonly tokens: number | undefined;
  /**
   * What the call cost (USD, its `_hidden_params.responseCost`), added to the budget window of
   * `now`; undefined when unknown or when the router has no budget: nothing is added.
   */
  readonly cost?: number | undefined;
  /** Time to the answer (or to the first chunk); undefined when it failed. */
  readonly latencyMs: number | undefined;
  /** Undefined when the call succeeded (or failed in a way that is not the deployment's fault). */
  readonly failure:
    | {
        /** Whether the deployment may be cooled at all (never the only deployment of its group). */
        readonly canCoolDown: boolean;
        /** Cool down at once for this long (a 429, 401, 403, 404, 408); 0 to count it toward `allowedFails`. */
        readonly cooldownMs: number;
        /** Shown by `router.cooldowns()`: `429 RateLimitError`. */
        readonly reason: string;
      }
    | undefined;
}

/** A deployment cooling down, as `router.cooldowns()` shows it. */
export interface Cooldown {
  id: string;
  modelName: string;
  /** Epoch ms when it gets calls again. */
  until: number;
  /** What cooled it: `429 RateLimitError`, `4 failures within a minute`. */
  reason: string;
}

/** The Router's memory. Implementations keep their counters per fixed minute (epoch ms / 60000). */
export interface RouterState {
  /** The latest known stats of these deployments, for the strategies (no round trip). */
  stats(ids: readonly string[], now: number): DeploymentStats[];
  /**
   * Atomically: the first candidate that is neither cooling down nor at its `rpm` / `tpm` for
   * the current minute; counts a request and the estimated tokens against it, and one in flight.
   */
  acquire(request: AcquireRequest): AcquireResult | Promise<AcquireResult>;
  /**
   * The spend (USD) known in budget window `window` (epoch ms / the budget's duration): exact in
   * the process; on Redis the latest read, with one round trip only for a window not read yet.
   */
  spend(window: number): number | Promise<number>;
  /** Records how a call ended. Never awaited on the caller's path. */
  release(outcome: CallOutcome): void;
  /** The deployments cooling down now. */
  cooldowns(now: number): Promise<Cooldown[]>;
  /** Releases what the state holds (a Redis connection it opened). */
  close(): Promise<void>;
}

/** The rules a state applies when it records failures (and, with a budget, spend). */
export interface CooldownRules {
  /** The budget window's length in ms (the spend is kept per epoch ms / this); none: no budget. */
  readonly budget?: { readonly durationMs: number } | undefined;
  /** Failures a deployment may have within a minute; the next one cools it down. */
  readonly allowedFails: number;
  /** How long a cooled deployment gets no calls, in ms. */
  readonly cooldownTime: number;
}
