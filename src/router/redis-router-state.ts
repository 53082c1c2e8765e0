/**
 * The Router's state shared on Redis, so that limits, cooldowns and load balancing hold across
 * processes and machines. One script run (`acquire`) on a call's path before its request, and one
 * (`release`) after it that no caller waits for. Redis down, slow or lost never fails or holds a
 * call: the state in this process takes over, with one warning per outage, until Redis answers
 * again.
 */
import { MemoryRouterState } from "./memory-router-state.js";
import type { RedisLink } from "./redis-link.js";
import { ACQUIRE, RELEASE, type RedisScript } from "./redis-scripts.js";
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
/** The ticket of a reservation made in this process while Redis was out. */
const LOCAL = Symbol("local");

/** Where a group's keys live: one hash tag per group, so that a Redis Cluster keeps them in one slot. */
export function groupKeys(prefix: string, modelName: string, now: number) {
  // The tag is the group's name, encoded: braces in it must not end the tag early.
  const base = `${prefix}{${encodeURIComponent(modelName)}}`;
  return {
    minute: `${base}:m:${Math.floor(now / MINUTE_MS)}`,
    cooldowns: `${base}:cooldowns`,
    inFlight: `${base}:in-flight`,
    latency: `${base}:latency`,
  };
}

/** A {@link RouterState} on Redis, with the process's own state as its stand-in. */
export class RedisRouterState implements RouterState {
  readonly #link: RedisLink;
  readonly #prefix: string;
  readonly #rules: CooldownRules;
  readonly #groups: readonly string[];
  readonly #local: MemoryRouterState;
  /** The stats each deployment had at the last acquire: what the strategies read. */
  readonly #stats = new Map<string, DeploymentStats>();
  #down = false;
  /**
   * The calls made while the first connection is being set up wait for it, within the budget;
   * later calls never wait for a connection.
   */
  #firstConnection: Promise<void> | undefined;
  #connectedOnce = false;
  #probing = false;
  #closed = false;

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

  async acquire(request: AcquireRequest): Promise<AcquireResult> {
    if (!this.#connectedOnce) {
      this.#firstConnection ??= this.#withBudget(this.#link.firstReady, FIRST_CONNECTION_BUDGET_MS)
        .catch(() => {})
        .finally(() => {
          this.#connectedOnce = true;
        });
      await this.#firstConnection;
    }
    if (!this.#usable()) return this.#acquireLocally(request);
    const { modelName, candidates, estimatedTokens, now } = request;
    const keys = groupKeys(this.#prefix, modelName, now);
    const args = [
      String(now),
      String((Math.floor(now / MINUTE_MS) + 1) * MINUTE_MS),
      String(estimatedTokens),
      String(candidates.length),
    ];
    for (const { id, rpm, tpm } of candidates) {
      args.push(id, rpm === undefined ? "" : String(rpm), tpm === undefined ? "" : String(tpm));
    }
    const running = this.#run(
      ACQUIRE,
      [keys.minute, keys.cooldowns, keys.inFlight, keys.latency],
      args,
    );
    let reply: unknown;
    try {
      reply = await this.#withBudget(running);
    } catch (error) {
      // Too slow or failed: go on here. A reservation Redis makes later is undone at once.
      running.then(
        (late) => {
          const id = (late as string[] | undefined)?.[0];
          if (id) this.#releaseInRedis(this.#unsent(modelName, id, now, estimatedTokens));
        },
        () => {},
      );
      this.markDown(error);
      return this.#acquireLocally(request);
    }
    return this.#readAcquire(reply as string[], request);
  }

  #acquireLocally(request: AcquireRequest): AcquireResult {
    const acquired = this.#local.acquire(request);
    return acquired.id === undefined ? acquired : { id: acquired.id, ticket: LOCAL };
  }

  #readAcquire(reply: readonly string[], request: AcquireRequest): AcquireResult {
    const [chosen, availableAt] = reply;
    request.candidates.forEach(({ id }, index) => {
      const at = 2 + index * 5;
      const latency = reply[at + 3];
      const cooldownUntil = Number(reply[at + 4]);
      this.#stats.set(id, {
        inFlight: Number(reply[at]),
        requestsThisMinute: Number(reply[at + 1]),
        tokensThisMinute: Number(reply[at + 2]),
        latencyMs: latency === "" || latency === undefined ? undefined : Number(latency),
        cooldownUntil: cooldownUntil > request.now ? cooldownUntil : 0,
      });
    });
    if (chosen !== undefined && chosen !== "") return { id: chosen };
    const at = availableAt === undefined || availableAt === "" ? request.now : Number(availableAt);
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
      return;
    }
    this.#releaseInRedis(outcome);
  }

  #releaseInRedis(outcome: CallOutcome): void {
    const { now, failure } = outcome;
    const keys = groupKeys(this.#prefix, outcome.modelName, now);
    const sameMinute = Math.floor(outcome.acquiredAt / MINUTE_MS) === Math.floor(now / MINUTE_MS);
    const args = [
      outcome.id,
      String(now),
      outcome.sent ? "1" : "0",
      sameMinute ? "1" : "0",
      String(outcome.estimatedTokens),
      outcome.tokens === undefined
        ? String(sameMinute ? outcome.estimatedTokens : 0)
        : String(outcome.tokens),
      outcome.latencyMs === undefined ? "" : String(Math.round(outcome.latencyMs)),
      failure === undefined ? "0" : "1",
      failure?.canCoolDown ? "1" : "0",
      String(failure?.cooldownMs ?? 0),
      failure?.reason ?? "",
      String(this.#rules.allowedFails),
      String(this.#rules.cooldownTime),
    ];
    // Nobody waits for this: a failure is an outage like any other, and the next call sees it.
    this.#run(RELEASE, [keys.minute, keys.cooldowns, keys.inFlight, keys.latency], args).catch(
      (error: unknown) => this.markDown(error),
    );
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
    this.#closed = true;
    await this.#link.close();
  }
}

/** HGETALL's reply as entries: node-redis gives an object (RESP2) or a Map (RESP3). */
function hashEntries(reply: unknown): [string, string][] {
  if (reply instanceof Map) return [...reply].map(([key, value]) => [String(key), String(value)]);
  if (Array.isArray(reply)) {
    const entries: [string, string][] = [];
    for (let index = 0; index + 1 < reply.length; index += 2) {
      entries.push([String(reply[index]), String(reply[index + 1])]);
    }
    return entries;
  }
  if (reply !== null && typeof reply === "object") {
    return Object.entries(reply).map(([key, value]) => [key, String(value)]);
  }
  return [];
}
