/**
 * The Router's state shared on Redis, so that limits, cooldowns and load balancing hold across
 * processes and machines. One script run on a call's path, before its request: it records the
 * group's calls that ended since (a release waits for the next call of its group, or at most
 * `RELEASE_DELAY_MS`) and reserves a deployment. Redis down, slow or lost never fails or holds a
 * call: the state in this process takes over, with one warning per outage, until Redis answers
 * again.
 */
import { MemoryRouterState } from "./memory-router-state.js";
import { budgetKey, groupKeys } from "./redis-keys.js";
import type { RedisLink } from "./redis-link.js";
import { hashEntries, parseReply, type StepReply } from "./redis-replies.js";
import { type RedisScript, STEP } from "./redis-scripts.js";
import type {
  AcquireRequest,
  AcquireResult,
  CallOutcome,
  Cooldown,
  CooldownRules,
  DeploymentStats,
  RouterState,
} from "./router-state.js";

const MINUTE_MS = 60_000;
/** The longest a call waits for Redis before it goes on with the state in this process. */
const REDIS_BUDGET_MS = 250;
/**
 * How long the calls made while the router first connects may wait for that connection (loading
 * node-redis alone takes ~180 ms); a refused connection ends the wait at once.
 */
const FIRST_CONNECTION_BUDGET_MS = 1_000;
/** While Redis is out, how often it is asked (in the background) whether it is back. */
const PROBE_INTERVAL_MS = 500;
/**
 * How long a release may wait for the next call of its group to carry it: a release of its own
 * is a second round trip (~55 us of client CPU with node-redis); other processes see a cooldown
 * at most this much later.
 */
const RELEASE_DELAY_MS = 20;
/** The ticket of a reservation made in this process while Redis was out. */
const LOCAL = Symbol("local");

/** A {@link RouterState} on Redis, with the process's own state as its stand-in. */
export class RedisRouterState implements RouterState {
  readonly #link: RedisLink;
  readonly #prefix: string;
  readonly #rules: CooldownRules;
  readonly #groups: readonly string[];
  readonly #local: MemoryRouterState;
  /** The stats each deployment had at the last acquire: what the strategies read. */
  readonly #stats = new Map<string, DeploymentStats>();
  /** Releases waiting to ride along with their group's next script run. */
  readonly #pending = new Map<string, CallOutcome[]>();
  #flushTimer: ReturnType<typeof setTimeout> | undefined;
  #down = false;
  /**
   * The calls made while the first connection is being set up wait for it, within the budget;
   * later calls never wait for a connection.
   */
  #firstConnection: Promise<void> | undefined;
  #connectedOnce = false;
  #probing = false;
  #closed = false;
  /** The latest spend read from (or written to) Redis, and its window. */
  #readWindow = Number.NEGATIVE_INFINITY;
  #readSpend = 0;

  constructor(link: RedisLink, prefix: string, rules: CooldownRules, groups: readonly string[]) {
    this.#link = link;
    this.#prefix = prefix;
    this.#rules = rules;
    this.#groups = groups;
    this.#local = new MemoryRouterState(rules);
  }

  /** Redis is out (or slow): one warning per outage, then a background probe until it is back. */
  markDown(reason: unknown): void {
    if (this.#closed) return;
    if (!this.#down) {
      this.#down = true;
      const why = reason instanceof Error ? reason.message : String(reason);
      process.emitWarning(
        `llmux: the Router's state on Redis is unavailable (${why}); calls go on with state in this process until Redis answers again.`,
        { code: "LLMUX_REDIS_UNAVAILABLE" },
      );
    }
    this.#probe();
  }

  #probe(): void {
    if (this.#probing || this.#closed) return;
    this.#probing = true;
    const attempt = async () => {
      while (this.#down && !this.#closed) {
        if (this.#link.ready) {
          try {
            await this.#withBudget(this.#link.send(`${this.#prefix}probe`, ["PING"]));
            this.#down = false;
            break;
          } catch {
            // still out
          }
        }
        await new Promise((resolve) => setTimeout(resolve, PROBE_INTERVAL_MS).unref());
      }
      this.#probing = false;
    };
    void attempt();
  }

  /** Whether a call may use Redis now, without waiting for it. */
  #usable(): boolean {
    if (this.#link.fatal !== undefined) throw this.#link.fatal;
    if (this.#down) return false;
    if (!this.#link.ready) {
      this.markDown("not connected");
      return false;
    }
    return true;
  }

  #withBudget<T>(promise: Promise<T>, budget = REDIS_BUDGET_MS): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no answer within ${budget} ms`)), budget);
      promise.then(
        (value) => {
          clearTimeout(timer);
          resolve(value);
        },
        (error: unknown) => {
          clearTimeout(timer);
          reject(error);
        },
      );
    });
  }

  /** EVALSHA, or EVAL when this Redis does not have the script yet. */
  async #run(
    script: RedisScript,
    keys: readonly string[],
    args: readonly string[],
  ): Promise<unknown> {
    const firstKey = keys[0] as string;
    const tail = [String(keys.length), ...keys, ...args];
    try {
      return await this.#link.send(firstKey, ["EVALSHA", script.sha, ...tail]);
    } catch (error) {
      if (!String((error as Error)?.message).startsWith("NOSCRIPT")) throw error;
      return this.#link.send(firstKey, ["EVAL", script.source, ...tail]);
    }
  }

  stats(ids: readonly string[], now: number): DeploymentStats[] {
    if (this.#down) return this.#local.stats(ids, now);
    return ids.map(
      (id) =>
        this.#stats.get(id) ?? {
          inFlight: 0,
          requestsThisMinute: 0,
          tokensThisMinute: 0,
          latencyMs: undefined,
          cooldownUntil: 0,
        },
    );
  }

  spend(window: number): number | Promise<number> {
    const local = this.#local.spend(window);
    if (this.#rules.budget === undefined || this.#down) return local;
    if (window === this.#readWindow) return Math.max(local, this.#readSpend);
    // A window this process has not read yet: one round trip, then the background reads.
    return this.#readSpendOf(window).then(
      () => Math.max(this.#local.spend(window), window === this.#readWindow ? this.#readSpend : 0),
      () => this.#local.spend(window),
    );
  }

  /** Reads the window's spend from Redis (within the budget), and keeps it. */
  async #readSpendOf(window: number): Promise<void> {
    const budget = this.#rules.budget;
    if (budget === undefined) return;
    if (!this.#connectedOnce) await this.#waitForFirstConnection();
    if (!this.#usable()) return;
    const key = budgetKey(this.#prefix, budget.durationMs, window);
    try {
      this.#noteSpend(window, await this.#withBudget(this.#link.send(key, ["GET", key])));
    } catch (error) {
      this.markDown(error);
      throw error;
    }
  }

  #noteSpend(window: number, reply: unknown): void {
    const value = reply === null || reply === undefined ? 0 : Number(reply);
    if (!Number.isFinite(value) || window < this.#readWindow) return;
    if (window > this.#readWindow) {
      this.#readWindow = window;
      this.#readSpend = value;
    } else this.#readSpend = Math.max(this.#readSpend, value);
  }

  /** Adds a call's known cost to the window's key; nobody waits for it. */
  #addSpend(cost: number | undefined, now: number): void {
    const budget = this.#rules.budget;
    if (cost === undefined || budget === undefined || !(cost > 0)) return;
    if (this.#down || !this.#link.ready) return; // kept in this process only
    const window = Math.floor(now / budget.durationMs);
    const key = budgetKey(this.#prefix, budget.durationMs, window);
    const expireAt = (window + 1) * budget.durationMs + MINUTE_MS;
    this.#link.send(key, ["INCRBYFLOAT", key, String(cost)]).then(
      (total) => this.#noteSpend(window, total),
      (error: unknown) => this.markDown(error),
    );
    this.#link.send(key, ["PEXPIREAT", key, String(expireAt)]).catch(() => {});
  }

  #waitForFirstConnection(): Promise<void> {
    this.#firstConnection ??= this.#withBudget(this.#link.firstReady, FIRST_CONNECTION_BUDGET_MS)
      .catch(() => {})
      .finally(() => {
        this.#connectedOnce = true;
      });
    return this.#firstConnection;
  }

  async acquire(request: AcquireRequest): Promise<AcquireResult> {
    if (!this.#connectedOnce) await this.#waitForFirstConnection();
    if (!this.#usable()) return this.#acquireLocally(request);
    const { modelName, candidates, estimatedTokens, now } = request;
    const budget = this.#rules.budget;
    if (budget !== undefined) {
      // The spend other processes added, for the next call's check: read alongside, not awaited.
      this.#readSpendOf(Math.floor(now / budget.durationMs)).catch(() => {});
    }
    const keys = groupKeys(this.#prefix, modelName, now);
    const carried = this.#takePending(modelName);
    const reservation = [
      now,
      (Math.floor(now / MINUTE_MS) + 1) * MINUTE_MS,
      estimatedTokens,
      candidates.map(({ id, rpm, tpm }) => [id, rpm ?? -1, tpm ?? -1]),
    ];
    const running = this.#run(
      STEP,
      [keys.minute, keys.cooldowns, keys.inFlight, keys.latency],
      this.#input(carried, now, reservation),
    );
    let reply: unknown;
    try {
      reply = await this.#withBudget(running);
    } catch (error) {
      // Too slow or failed: go on here. A reservation Redis makes later is undone at once.
      running.then(
        (late) => {
          const id = parseReply(late).c;
          if (id) this.#queueRelease(this.#unsent(modelName, id, now, estimatedTokens));
        },
        () => {},
      );
      this.markDown(error);
      return this.#acquireLocally(request);
    }
    return this.#readAcquire(parseReply(reply), request);
  }

  #acquireLocally(request: AcquireRequest): AcquireResult {
    const acquired = this.#local.acquire(request);
    return acquired.id === undefined ? acquired : { id: acquired.id, ticket: LOCAL };
  }

  #readAcquire(reply: StepReply, request: AcquireRequest): AcquireResult {
    const stats = reply.s ?? [];
    request.candidates.forEach(({ id }, index) => {
      const [inFlight = 0, requests = 0, tokens = 0, latency = -1, cooldownUntil = 0] =
        stats[index] ?? [];
      this.#stats.set(id, {
        inFlight,
        requestsThisMinute: requests,
        tokensThisMinute: tokens,
        latencyMs: latency < 0 ? undefined : latency,
        cooldownUntil: cooldownUntil > request.now ? cooldownUntil : 0,
      });
    });
    if (reply.c) return { id: reply.c };
    const at = reply.t ? reply.t : request.now;
    return { id: undefined, retryAfterMs: Math.max(0, at - request.now) };
  }

  #unsent(modelName: string, id: string, now: number, estimatedTokens: number): CallOutcome {
    return {
      modelName,
      id,
      ticket: undefined,
      acquiredAt: now,
      now,
      sent: false,
      estimatedTokens,
      tokens: undefined,
      latencyMs: undefined,
      failure: undefined,
    };
  }

  release(outcome: CallOutcome): void {
    if (outcome.ticket === LOCAL) {
      this.#local.release(outcome);
    } else {
      this.#local.addSpend(outcome.cost, outcome.now);
      this.#queueRelease(outcome);
    }
    this.#addSpend(outcome.cost, outcome.now);
  }

  #queueRelease(outcome: CallOutcome): void {
    const queue = this.#pending.get(outcome.modelName);
    if (queue === undefined) this.#pending.set(outcome.modelName, [outcome]);
    else queue.push(outcome);
    // A failure is news for the other processes: it goes out at once.
    if (outcome.failure !== undefined) queueMicrotask(() => this.#flush());
    else this.#flushTimer ??= setTimeout(() => this.#flush(), RELEASE_DELAY_MS).unref();
  }

  #takePending(modelName: string): CallOutcome[] {
    const queue = this.#pending.get(modelName);
    if (queue === undefined) return [];
    this.#pending.delete(modelName);
    return queue;
  }

  /** Sends the releases no call has carried, one script run per group. Nobody waits for it. */
  #flush(): void {
    clearTimeout(this.#flushTimer);
    this.#flushTimer = undefined;
    for (const modelName of [...this.#pending.keys()]) {
      const carried = this.#takePending(modelName);
      if (carried.length === 0) continue;
      const now = Math.max(...carried.map((outcome) => outcome.now));
      const keys = groupKeys(this.#prefix, modelName, now);
      if (this.#down || !this.#link.ready) continue; // lost with the outage, as in-flight counts expire
      const input = this.#input(carried, now, undefined);
      this.#run(STEP, [keys.minute, keys.cooldowns, keys.inFlight, keys.latency], input).catch(
        (error: unknown) => this.markDown(error),
      );
    }
  }

  /** The script's input (see `STEP`): the releases carried, and a reservation if any. */
  #input(outcomes: readonly CallOutcome[], now: number, reservation: unknown): string[] {
    const minute = Math.floor(now / MINUTE_MS);
    const releases = outcomes.map((outcome) => {
      const { failure } = outcome;
      return [
        outcome.id,
        outcome.now,
        outcome.sent ? 1 : 0,
        Math.floor(outcome.acquiredAt / MINUTE_MS) === minute ? 1 : 0,
        outcome.estimatedTokens,
        outcome.tokens ?? -1,
        outcome.latencyMs === undefined ? -1 : Math.round(outcome.latencyMs),
        failure === undefined ? 0 : 1,
        failure?.canCoolDown ? 1 : 0,
        failure?.cooldownMs ?? 0,
        failure?.reason ?? "",
        this.#rules.cooldownTime,
      ];
    });
    return [JSON.stringify({ f: this.#rules.allowedFails, r: releases, a: reservation })];
  }

  async cooldowns(now: number): Promise<Cooldown[]> {
    const cooling = await this.#local.cooldowns(now);
    if (!this.#usable()) return cooling;
    for (const modelName of this.#groups) {
      const key = groupKeys(this.#prefix, modelName, now).cooldowns;
      let reply: unknown;
      try {
        reply = await this.#withBudget(this.#link.send(key, ["HGETALL", key]));
      } catch (error) {
        this.markDown(error);
        return cooling;
      }
      for (const [id, value] of hashEntries(reply)) {
        const separator = value.indexOf("|");
        const until = Number(value.slice(0, separator));
        if (until > now) {
          cooling.push({ id, modelName, until, reason: value.slice(separator + 1) });
        }
      }
    }
    return cooling;
  }

  async close(): Promise<void> {
    this.#flush();
    this.#closed = true;
    await this.#link.close();
  }
}
