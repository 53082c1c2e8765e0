/** The Router's state in the process: counters per deployment, kept per fixed minute. */
import type {
  AcquireRequest,
  AcquireResult,
  CallOutcome,
  Cooldown,
  CooldownRules,
  DeploymentStats,
  RouterState,
} from "./router-state.js";

/** How many recent latencies a deployment's mean is taken over. */
const RECENT_LATENCIES = 10;
const MINUTE_MS = 60_000;

interface Counters {
  modelName: string;
  minute: number;
  requests: number;
  tokens: number;
  failures: number;
  inFlight: number;
  latencies: number[];
  cooldownUntil: number;
  cooldownReason: string;
}

/** A {@link RouterState} in this process only. */
export class MemoryRouterState implements RouterState {
  readonly #rules: CooldownRules;
  readonly #counters = new Map<string, Counters>();
  /** The spend of the latest budget window a cost was recorded in. */
  #spendWindow = Number.NEGATIVE_INFINITY;
  #spend = 0;

  constructor(rules: CooldownRules) {
    this.#rules = rules;
  }

  #get(id: string, modelName: string, now: number): Counters {
    let counters = this.#counters.get(id);
    if (counters === undefined) {
      counters = {
        modelName,
        minute: Math.floor(now / MINUTE_MS),
        requests: 0,
        tokens: 0,
        failures: 0,
        inFlight: 0,
        latencies: [],
        cooldownUntil: 0,
        cooldownReason: "",
      };
      this.#counters.set(id, counters);
      return counters;
    }
    const minute = Math.floor(now / MINUTE_MS);
    if (counters.minute !== minute) {
      counters.minute = minute;
      counters.requests = 0;
      counters.tokens = 0;
      counters.failures = 0;
    }
    return counters;
  }

  stats(ids: readonly string[], now: number): DeploymentStats[] {
    return ids.map((id) => {
      const counters = this.#get(id, "", now);
      const { latencies } = counters;
      let latencyMs: number | undefined;
      if (latencies.length > 0) {
        let sum = 0;
        for (const latency of latencies) sum += latency;
        latencyMs = sum / latencies.length;
      }
      return {
        inFlight: counters.inFlight,
        requestsThisMinute: counters.requests,
        tokensThisMinute: counters.tokens,
        latencyMs,
        cooldownUntil: counters.cooldownUntil > now ? counters.cooldownUntil : 0,
      };
    });
  }

  acquire({ modelName, candidates, estimatedTokens, now }: AcquireRequest): AcquireResult {
    let availableAt = Number.POSITIVE_INFINITY;
    const nextMinute = (Math.floor(now / MINUTE_MS) + 1) * MINUTE_MS;
    for (const { id, rpm, tpm } of candidates) {
      const counters = this.#get(id, modelName, now);
      if (counters.cooldownUntil > now) {
        availableAt = Math.min(availableAt, counters.cooldownUntil);
      } else if (
        (rpm !== undefined && counters.requests >= rpm) ||
        (tpm !== undefined && counters.tokens > 0 && counters.tokens + estimatedTokens > tpm)
      ) {
        availableAt = Math.min(availableAt, nextMinute);
      } else {
        counters.modelName = modelName;
        counters.requests++;
        counters.tokens += estimatedTokens;
        counters.inFlight++;
        return { id };
      }
    }
    return { id: undefined, retryAfterMs: Math.max(0, availableAt - now) };
  }

  spend(window: number): number {
    return window === this.#spendWindow ? this.#spend : 0;
  }

  /** Adds `cost` to the window of `now`; none when the cost is unknown or there is no budget. */
  addSpend(cost: number | undefined, now: number): void {
    const budget = this.#rules.budget;
    if (cost === undefined || budget === undefined || !(cost > 0)) return;
    const window = Math.floor(now / budget.durationMs);
    if (window > this.#spendWindow) {
      this.#spendWindow = window;
      this.#spend = 0;
    } else if (window < this.#spendWindow) return; // a window already over
    this.#spend += cost;
  }

  release(outcome: CallOutcome): void {
    const { now } = outcome;
    this.addSpend(outcome.cost, now);
    const counters = this.#get(outcome.id, outcome.modelName, now);
    counters.inFlight = Math.max(0, counters.inFlight - 1);
    const sameMinute = Math.floor(outcome.acquiredAt / MINUTE_MS) === counters.minute;
    if (!outcome.sent) {
      if (sameMinute) {
        counters.requests = Math.max(0, counters.requests - 1);
        counters.tokens = Math.max(0, counters.tokens - outcome.estimatedTokens);
      }
      return;
    }
    // The estimate was counted in the minute the call began; the tokens count in this one. With
    // no usage reported (an image, a stream left early), the estimate stands.
    if (outcome.tokens !== undefined) {
      const counted = sameMinute ? outcome.estimatedTokens : 0;
      counters.tokens = Math.max(0, counters.tokens + outcome.tokens - counted);
    }
    if (outcome.latencyMs !== undefined) {
      counters.latencies.push(outcome.latencyMs);
      if (counters.latencies.length > RECENT_LATENCIES) counters.latencies.shift();
    }
    const failure = outcome.failure;
    if (failure === undefined) return;
    counters.failures++;
    if (!failure.canCoolDown) return;
    if (failure.cooldownMs > 0) {
      this.#coolDown(counters, now + failure.cooldownMs, failure.reason);
    } else if (counters.failures > this.#rules.allowedFails) {
      this.#coolDown(
        counters,
        now + this.#rules.cooldownTime,
        `${counters.failures} ${counters.failures === 1 ? "failure" : "failures"} within a minute (last: ${failure.reason})`,
      );
    }
  }

  #coolDown(counters: Counters, until: number, reason: string): void {
    if (until <= counters.cooldownUntil) return;
    counters.cooldownUntil = until;
    counters.cooldownReason = reason;
  }

  async cooldowns(now: number): Promise<Cooldown[]> {
    const cooling: Cooldown[] = [];
    for (const [id, counters] of this.#counters) {
      if (counters.cooldownUntil > now) {
        cooling.push({
          id,
          modelName: counters.modelName,
          until: counters.cooldownUntil,
          reason: counters.cooldownReason,
        });
      }
    }
    return cooling;
  }

  async close(): Promise<void> {}
}
