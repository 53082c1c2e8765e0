/**
 * `Router`: one name for a group of deployments, with load balancing, retries across
 * deployments, fallbacks across groups, cooldowns and per-minute limits (LiteLLM's Router).
 */

import type * as Zod from "zod";
import { runCompletion } from "../calls/completion.js";
import { runEmbedding } from "../calls/embedding.js";
import { runImageGeneration } from "../calls/image-generation.js";
import {
  APIError,
  BadRequestError,
  BudgetExceededError,
  LLMError,
  NoDeploymentAvailableError,
} from "../errors/errors.js";
import { sleep } from "../http/retry.js";
import { retryDelayMs } from "../http/retry-delay.js";
import { CallTracker } from "../observability/call-tracker.js";
import { handlersFor } from "../observability/callbacks.js";
import { telemetryFor } from "../observability/telemetry.js";
import type {
  CompletionParams,
  EmbeddingParams,
  ImageGenerationParams,
} from "../params/schemas.js";
import { CompletionStream } from "../stream/completion-stream.js";
import type { StreamObserver } from "../stream/stream-observer.js";
import type { ParsedCompletionStream } from "../structured/parsed-stream.js";
import type {
  EmbeddingResponse,
  HiddenParams,
  ImageResponse,
  ModelResponse,
  ModelResponseStream,
  ParsedModelResponse,
} from "../types.js";
import type { Deployment } from "./deployment.js";
import { deploymentFailure } from "./deployment-failure.js";
import { estimatePromptTokens } from "./estimate-tokens.js";
import { canFallBack, fallbackGroups } from "./fallback-groups.js";
import { routerOptionsFromLiteLLMConfig } from "./litellm/from-litellm-config.js";
import { MemoryRouterState } from "./memory-router-state.js";
import { linkToClient, linkToUrl } from "./redis-link.js";
import { RedisRouterState } from "./redis-router-state.js";
import { resolveRouterOptions } from "./resolve-router-options.js";
import { type Routing, routedError } from "./routed-error.js";
import type { ResolvedRouterOptions, RouterOptions } from "./router-options.js";
import type { CallOutcome, Cooldown, RouterState } from "./router-state.js";
import { orderDeployments } from "./routing-strategy.js";

type Answer = ModelResponse | CompletionStream | EmbeddingResponse | ImageResponse;
/** A call's parameters as the router handles them: whatever the call, a group name as `model`. */
/** A deployment acquired for one call, until the call is released. */
interface Reservation {
  readonly deployment: Deployment;
  readonly ticket: unknown;
  readonly acquiredAt: number;
  readonly estimatedTokens: number;
}

interface RoutedParams {
  readonly model: string;
  readonly signal?: AbortSignal | undefined;
  readonly callbacks?: unknown;
}
/**
 * One call to one deployment: `completion()`, `embedding()` or `imageGeneration()`; the router's
 * tracker (`null`: no handlers) is told a stream's end.
 */
type Invoke = (
  params: Record<string, unknown>,
  observer: StreamObserver | undefined,
  tracker: CallTracker | null,
) => Promise<Answer>;

const invokeCompletion: Invoke = (params, observer, tracker) =>
  runCompletion(params as unknown as CompletionParams, observer, tracker);
const invokeEmbedding: Invoke = (params, _, tracker) =>
  runEmbedding(params as unknown as EmbeddingParams, tracker);
const invokeImageGeneration: Invoke = (params, _, tracker) =>
  runImageGeneration(params as unknown as ImageGenerationParams, tracker);

/**
 * Routes calls by group name over many deployments.
 *
 * @example
 * const router = new Router({
 *   modelList: [
 *     { modelName: "smart", params: { model: "cometapi/gpt-5" }, rpm: 500 },
 *     { modelName: "smart", params: { model: "openai/gpt-5" } },
 *     { modelName: "fast", params: { model: "cometapi/gpt-4o-mini" } },
 *   ],
 *   fallbacks: { smart: ["fast"] },
 * });
 * const response = await router.completion({ model: "smart", messages });
 * console.log(response._hidden_params.deployment?.id);
 */
export class Router {
  readonly #options: ResolvedRouterOptions;
  readonly #state: RouterState;
  readonly #byId: ReadonlyMap<string, Deployment>;
  /** Groups where a deployment has a `tpm`: only their calls need a token estimate. */
  readonly #groupsWithTpm: ReadonlySet<string>;

  /** @throws {BadRequestError} for invalid options, naming each by its path. */
  constructor(options: RouterOptions) {
    this.#options = resolveRouterOptions(options);
    this.#state = createState(this.#options);
    this.#byId = new Map(
      this.#options.deployments.map((deployment) => [deployment.id, deployment]),
    );
    this.#groupsWithTpm = new Set(
      this.#options.deployments.filter((d) => d.tpm !== undefined).map((d) => d.modelName),
    );
    this.acompletion = this.completion.bind(this) as Router["completion"];
  }

  /**
   * A router from the parsed object of a LiteLLM proxy `config.yaml` (`model_list`,
   * `litellm_params`, `os.environ/NAME` values, `router_settings`): a LiteLLM user moves over by
   * pointing at the file they have. Parse the YAML yourself (llmux adds no YAML dependency).
   *
   * @example
   * import { parse } from "yaml";
   * const router = Router.fromLiteLLMConfig(parse(readFileSync("config.yaml", "utf8")));
   *
   * @throws {BadRequestError} naming each entry llmux cannot map (a provider it lacks, a missing variable).
   */
  static fromLiteLLMConfig(
    config: unknown,
    env: Record<string, string | undefined> = process.env,
  ): Router {
    return new Router(routerOptionsFromLiteLLMConfig(config, env));
  }

  /** The model group names callers can use as `model`. */
  get modelNames(): string[] {
    return [...this.#options.groups.keys()];
  }

  /**
   * `completion()` through the router: `model` is a group name; the deployment's `params` are
   * defaults and the call's keys win.
   */
  completion<S extends Zod.core.$ZodType>(
    params: CompletionParams & { stream: true; responseFormat: S },
  ): Promise<ParsedCompletionStream<Zod.output<S>, Zod.input<S>>>;
  completion<S extends Zod.core.$ZodType>(
    params: CompletionParams & { stream?: false | null | undefined; responseFormat: S },
  ): Promise<ParsedModelResponse<Zod.output<S>>>;
  completion(params: CompletionParams & { stream: true }): Promise<CompletionStream>;
  completion(
    params: CompletionParams & { stream?: false | null | undefined },
  ): Promise<ModelResponse>;
  completion(params: CompletionParams): Promise<ModelResponse | CompletionStream>;
  completion(params: CompletionParams): Promise<ModelResponse | CompletionStream> {
    return this.#route(params, invokeCompletion, "completion") as Promise<
      ModelResponse | CompletionStream
    >;
  }

  /** LiteLLM's other name for {@link Router.completion}. */
  readonly acompletion: Router["completion"];

  /** `embedding()` through the router. */
  embedding(params: EmbeddingParams): Promise<EmbeddingResponse> {
    return this.#route(params, invokeEmbedding, "embedding") as Promise<EmbeddingResponse>;
  }

  /** `imageGeneration()` through the router. */
  imageGeneration(params: ImageGenerationParams): Promise<ImageResponse> {
    return this.#route(params, invokeImageGeneration, "imageGeneration") as Promise<ImageResponse>;
  }

  /** The deployments cooling down now: `{ id, modelName, until, reason }`. */
  cooldowns(): Promise<Cooldown[]> {
    return this.#state.cooldowns(this.#options.now());
  }

  /** Ends what the router opened (a Redis connection it made); not what it was given. */
  close(): Promise<void> {
    return this.#state.close();
  }

  async #route(params: RoutedParams, invoke: Invoke, callType: string): Promise<Answer> {
    // Checked first: a call without handlers or telemetry builds no event, no closure, reads no clock.
    const handlers = handlersFor(params?.callbacks, this.#options.callbacks);
    // One span for the routed call (its deployments' calls report into this tracker).
    const pending = telemetryFor(params, callType);
    const telemetry = pending === undefined ? undefined : await pending;
    if (handlers === undefined && telemetry === undefined) {
      return this.#routeTracked(params, invoke, undefined);
    }
    const tracker = new CallTracker(handlers ?? [], callType, params, telemetry);
    tracker.start();
    try {
      const answer = await tracker.within(() => this.#routeTracked(params, invoke, tracker));
      // A stream is reported when it ends, by its observer.
      if (
        !(answer instanceof CompletionStream) &&
        (params as { stream?: unknown }).stream !== true
      ) {
        tracker.succeed(answer);
      }
      return answer;
    } catch (error) {
      tracker.fail(error);
      throw error;
    }
  }

  async #routeTracked(
    params: RoutedParams,
    invoke: Invoke,
    tracker: CallTracker | undefined,
  ): Promise<Answer> {
    const group = params?.model;
    if (typeof group !== "string" || !this.#options.groups.has(group)) {
      const known = this.modelNames.map((name) => `"${name}"`).join(", ");
      throw new BadRequestError(
        `llmux: Router: model ${JSON.stringify(group)} is no model group of this router. Use one of ${known}.`,
        { issues: [{ path: "model", message: `must be one of ${known}` }] },
      );
    }
    params.signal?.throwIfAborted();
    if (this.#options.budget !== undefined) await this.#checkBudget(this.#options.budget);
    const routing: Routing = {
      attempts: 0,
      fallbacks: [],
      deployment: undefined,
      retryAfterMs: Number.POSITIVE_INFINITY,
    };
    let failure: unknown;
    try {
      return await this.#runGroup(group, params, invoke, routing, tracker);
    } catch (error) {
      failure = error;
    }
    let failedGroup = group;
    for (const fallback of fallbackGroups(failure, group, this.#options)) {
      tracker?.fallback(failure, failedGroup, fallback, routing.attempts);
      routing.fallbacks.push(failedGroup);
      failedGroup = fallback;
      try {
        return await this.#runGroup(fallback, params, invoke, routing, tracker);
      } catch (error) {
        failure = error;
        // A fallback's own failure may end the chain: an abort, a plain 400, a validation error.
        if (params.signal?.aborted || !canFallBack(error)) break;
      }
    }
    throw routedError(failure, routing);
  }

  /** Throws `BudgetExceededError` when the current window's spend has reached `maxBudget`. */
  async #checkBudget(budget: NonNullable<ResolvedRouterOptions["budget"]>): Promise<void> {
    const now = this.#options.now();
    const window = Math.floor(now / budget.durationMs);
    const known = this.#state.spend(window);
    // The in-process state answers at once (no await), as Redis does once the window was read.
    const spend = known instanceof Promise ? await known : known;
    if (spend < budget.maxBudget) return;
    const retryAfterMs = (window + 1) * budget.durationMs - now;
    throw new BudgetExceededError(
      `llmux: Router: the budget of ${budget.maxBudget} USD per ${budget.duration} is spent (${spend} USD in this window); it starts again in ${Math.ceil(retryAfterMs / 1000)} s.`,
      { maxBudget: budget.maxBudget, spend, budgetDuration: budget.duration, retryAfterMs },
    );
  }

  /** Tries one group: a deployment chosen afresh for each attempt, up to `1 + numRetries`. */
  async #runGroup(
    group: string,
    params: RoutedParams,
    invoke: Invoke,
    routing: Routing,
    tracker: CallTracker | undefined,
  ): Promise<Answer> {
    const options = this.#options;
    const deployments = options.groups.get(group) as readonly Deployment[];
    const ids = deployments.map((deployment) => deployment.id);
    const signal = params.signal;
    const estimatedTokens = this.#groupsWithTpm.has(group) ? estimatePromptTokens(params) : 0;
    const failed = new Set<string>();
    const stats = () => this.#state.stats(ids, options.now());
    let lastError: unknown;
    for (let retry = 0; retry <= options.numRetries; retry++) {
      const now = options.now();
      let ordered = orderDeployments(options.routingStrategy, deployments, stats, options.random);
      if (failed.size > 0) {
        // Another deployment first, where the group has one.
        ordered = [
          ...ordered.filter((deployment) => !failed.has(deployment.id)),
          ...ordered.filter((deployment) => failed.has(deployment.id)),
        ];
      }
      const request = { modelName: group, candidates: ordered, estimatedTokens, now };
      const pending = this.#state.acquire(request);
      // The in-process state answers at once: no await (and no microtask) for it.
      const acquired = pending instanceof Promise ? await pending : pending;
      if (acquired.id === undefined) {
        routing.retryAfterMs = Math.min(routing.retryAfterMs, acquired.retryAfterMs);
        throw new NoDeploymentAvailableError(
          `llmux: Router: no deployment of "${group}" is available: each is cooling down or at its rpm/tpm for this minute. The first is available again in ${Math.ceil(acquired.retryAfterMs)} ms.`,
          {
            modelName: group,
            retryAfterMs: acquired.retryAfterMs,
            cause: lastError,
            attempts: routing.attempts,
          },
        );
      }
      const deployment = this.#byId.get(acquired.id) as Deployment;
      const reservation: Reservation = {
        deployment,
        ticket: acquired.ticket,
        acquiredAt: now,
        estimatedTokens,
      };
      routing.deployment = {
        id: deployment.id,
        modelName: group,
        model: deployment.params.model,
      };
      if (failed.has(deployment.id)) {
        // Only the same deployment is left: wait as a plain call would before its retry.
        const delay = retryDelayMs(lastError, retry - 1, { now, random: options.random() });
        if (delay === undefined) {
          this.#release(reservation, { sent: false });
          throw lastError;
        }
        try {
          await sleep(delay, signal);
        } catch (reason) {
          this.#release(reservation, { sent: false });
          throw reason;
        }
      }
      try {
        return await this.#callDeployment(reservation, params, invoke, routing, tracker);
      } catch (error) {
        if (signal?.aborted) throw signal.reason;
        if (!(error instanceof LLMError)) throw error;
        if (error instanceof BadRequestError && error.attempts === 0) throw error; // validation
        lastError = error;
        failed.add(deployment.id);
        if (!error.isRetryable) throw error;
        if (retry < options.numRetries) tracker?.retry(error, routing.attempts);
      }
    }
    throw lastError;
  }

  /** One call to one deployment, with the outcome recorded (for a stream, when it ends). */
  async #callDeployment(
    reservation: Reservation,
    params: RoutedParams,
    invoke: Invoke,
    routing: Routing,
    tracker: CallTracker | undefined,
  ): Promise<Answer> {
    const { deployment } = reservation;
    // The call's keys win over the deployment's, except where the call says `undefined`.
    const merged: Record<string, unknown> = { ...deployment.params };
    for (const [key, value] of Object.entries(params)) {
      if (value !== undefined) merged[key] = value;
    }
    merged.model = deployment.params.model;
    merged.maxRetries = 0; // the router is the only retry loop
    // The router reports the call's events, across deployments: the call itself reports none.
    delete merged.callbacks;
    if (tracker !== undefined) {
      const model = deployment.params.model;
      const slash = model.indexOf("/");
      tracker.provider = slash === -1 ? "" : model.slice(0, slash);
      tracker.model = model.slice(slash + 1);
      tracker.deployment = routing.deployment;
    }
    const startedAt = performance.now();
    let streamed:
      | { tokens: number | undefined; latencyMs: number; hidden: HiddenParams }
      | undefined;
    const observer: StreamObserver | undefined =
      merged.stream === true
        ? {
            onChunk: (chunk: ModelResponseStream) => {
              if (chunk.usage != null && streamed !== undefined) {
                streamed.tokens = chunk.usage.total_tokens;
              }
            },
            onEnd: (error) =>
              this.#release(reservation, {
                sent: true,
                tokens: streamed?.tokens,
                latencyMs: streamed?.latencyMs,
                // Priced at its end, before this observer hears of it.
                cost: streamed?.hidden.responseCost,
                error,
              }),
          }
        : undefined;
    let answer: Answer;
    try {
      answer = await invoke(merged, observer, tracker ?? null);
    } catch (error) {
      const unsent = error instanceof APIError && error.attempts === 0;
      routing.attempts += error instanceof APIError ? error.attempts : 0;
      this.#release(reservation, {
        sent: !unsent,
        error: params.signal?.aborted ? undefined : error,
      });
      throw error;
    }
    const hidden = answer._hidden_params as HiddenParams;
    routing.attempts += hidden.attempts;
    Object.assign(hidden, {
      attempts: routing.attempts,
      deployment: routing.deployment,
      fallbacks: [...routing.fallbacks],
    });
    if (answer instanceof CompletionStream) {
      streamed = { tokens: undefined, latencyMs: hidden.responseMs, hidden };
    } else {
      const usage = (answer as { usage?: { total_tokens?: number } }).usage;
      this.#release(reservation, {
        sent: true,
        tokens: usage?.total_tokens,
        latencyMs: performance.now() - startedAt,
        cost: hidden.responseCost,
      });
    }
    return answer;
  }

  #release(
    { deployment, ticket, acquiredAt, estimatedTokens }: Reservation,
    end: {
      sent: boolean;
      tokens?: number | undefined;
      latencyMs?: number | undefined;
      cost?: number | undefined;
      error?: unknown;
    },
  ): void {
    const now = this.#options.now();
    const groupSize = (this.#options.groups.get(deployment.modelName) ?? []).length;
    const failure =
      end.error === undefined
        ? undefined
        : deploymentFailure(end.error, groupSize > 1, this.#options.cooldownTime, now);
    const outcome: CallOutcome = {
      modelName: deployment.modelName,
      id: deployment.id,
      ticket,
      acquiredAt,
      now,
      sent: end.sent,
      estimatedTokens,
      tokens: end.tokens,
      cost: this.#options.budget === undefined ? undefined : end.cost,
      latencyMs: failure === undefined && end.error === undefined ? end.latencyMs : undefined,
      failure,
    };
    this.#state.release(outcome);
  }
}

/** The state in this process, or shared on Redis when the options give one. */
function createState(options: ResolvedRouterOptions): RouterState {
  const { redis } = options;
  if (redis === undefined) return new MemoryRouterState(options);
  let state: RedisRouterState | undefined;
  const link =
    typeof redis === "string"
      ? linkToUrl(redis, (error) => state?.markDown(error))
      : linkToClient(redis);
  state = new RedisRouterState(link, options.redisKeyPrefix, options, [...options.groups.keys()]);
  return state;
}
