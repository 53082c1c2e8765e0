/**
 * `Router`: one name for a group of deployments, with load balancing, retries across
 * deployments, fallbacks across groups, cooldowns and per-minute limits (LiteLLM's Router).
 */

import type * as Zod from "zod";
import { runCompletion } from "../calls/completion.js";
import { runEmbedding } from "../calls/embedding.js";
import { runImageGeneration } from "../calls/image-generation.js";
import { BadRequestError, BudgetExceededError } from "../errors/errors.js";
import type { CallTracker } from "../observability/call-tracker.js";
import { trackCall } from "../observability/track-call.js";
import type {
  CompletionParams,
  EmbeddingParams,
  ImageGenerationParams,
} from "../params/schemas.js";
import type { CompletionStream } from "../stream/completion-stream.js";
import type { ParsedCompletionStream } from "../structured/parsed-stream.js";
import type {
  EmbeddingResponse,
  ImageResponse,
  ModelResponse,
  ParsedModelResponse,
} from "../types.js";
import { canFallBack, fallbackGroups } from "./fallback-groups.js";
import { type Answer, GroupRunner, type Invoke, type RoutedParams } from "./group-runner.js";
import { routerOptionsFromLiteLLMConfig } from "./litellm/from-litellm-config.js";
import { MemoryRouterState } from "./memory-router-state.js";
import { linkToClient, linkToUrl } from "./redis-link.js";
import { RedisRouterState } from "./redis-router-state.js";
import { resolveRouterOptions } from "./resolve-router-options.js";
import { type Routing, routedError } from "./routed-error.js";
import type { ResolvedRouterOptions, RouterOptions } from "./router-options.js";
import type { Cooldown, RouterState } from "./router-state.js";

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
  readonly #groups: GroupRunner;

  /** @throws {BadRequestError} for invalid options, naming each by its path. */
  constructor(options: RouterOptions) {
    this.#options = resolveRouterOptions(options);
    this.#state = createState(this.#options);
    this.#groups = new GroupRunner(this.#options, this.#state);
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

  /** One span and one set of events for the routed call; its deployments' calls report into them. */
  #route(params: RoutedParams, invoke: Invoke, callType: string): Promise<Answer> {
    return trackCall(callType, params, this.#options.callbacks, (tracker) =>
      this.#routeTracked(params, invoke, tracker),
    );
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
      return await this.#groups.run(group, params, invoke, routing, tracker);
    } catch (error) {
      failure = error;
    }
    let failedGroup = group;
    for (const fallback of fallbackGroups(failure, group, this.#options)) {
      tracker?.fallback(failure, failedGroup, fallback, routing.attempts);
      routing.fallbacks.push(failedGroup);
      failedGroup = fallback;
      try {
        return await this.#groups.run(fallback, params, invoke, routing, tracker);
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
