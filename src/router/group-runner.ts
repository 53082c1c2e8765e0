/**
 * One routed call in one model group: a deployment ordered by the routing strategy and acquired
 * from the router's state (its cooldown and per-minute limits checked and counted at once), the
 * call made with `maxRetries: 0`, retries on another deployment of the group, and each outcome
 * recorded in the state (a stream's when it ends). Fallbacks across groups are the `Router`'s.
 */

import {
  APIError,
  BadRequestError,
  LLMError,
  NoDeploymentAvailableError,
} from "../errors/errors.js";
import { sleep } from "../http/retry.js";
import { retryDelayMs } from "../http/retry-delay.js";
import type { CallTracker } from "../observability/call-tracker.js";
import { CompletionStream } from "../stream/completion-stream.js";
import type { StreamObserver } from "../stream/stream-observer.js";
import type {
  EmbeddingResponse,
  HiddenParams,
  ImageResponse,
  ModelResponse,
  ModelResponseStream,
} from "../types.js";
import type { Deployment } from "./deployment.js";
import { deploymentFailure } from "./deployment-failure.js";
import { estimatePromptTokens } from "./estimate-tokens.js";
import { mergeDeploymentParams } from "./merge-deployment-params.js";
import type { Routing } from "./routed-error.js";
import type { ResolvedRouterOptions } from "./router-options.js";
import type { CallOutcome, RouterState } from "./router-state.js";
import { orderDeployments } from "./routing-strategy.js";

/** What a routed call answers. */
export type Answer = ModelResponse | CompletionStream | EmbeddingResponse | ImageResponse;

/** A call's parameters as the router handles them: whatever the call, a group name as `model`. */
export interface RoutedParams {
  readonly model: string;
  readonly signal?: AbortSignal | undefined;
  readonly callbacks?: unknown;
}

/**
 * One call to one deployment: `completion()`, `embedding()` or `imageGeneration()`; the router's
 * tracker (`null`: no handlers) is told a stream's end.
 */
export type Invoke = (
  params: Record<string, unknown>,
  observer: StreamObserver | undefined,
  tracker: CallTracker | null,
) => Promise<Answer>;

/** A deployment acquired for one call, until the call is released. */
interface Reservation {
  readonly deployment: Deployment;
  readonly ticket: unknown;
  readonly acquiredAt: number;
  readonly estimatedTokens: number;
}

/** Runs routed calls in the groups of one router, on its state. */
export class GroupRunner {
  readonly #options: ResolvedRouterOptions;
  readonly #state: RouterState;
  readonly #byId: ReadonlyMap<string, Deployment>;
  /** Groups where a deployment has a `tpm`: only their calls need a token estimate. */
  readonly #groupsWithTpm: ReadonlySet<string>;

  constructor(options: ResolvedRouterOptions, state: RouterState) {
    this.#options = options;
    this.#state = state;
    this.#byId = new Map(options.deployments.map((deployment) => [deployment.id, deployment]));
    this.#groupsWithTpm = new Set(
      options.deployments.filter((d) => d.tpm !== undefined).map((d) => d.modelName),
    );
  }

  /** Tries one group: a deployment chosen afresh for each attempt, up to `1 + numRetries`. */
  async run(
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
    const merged = mergeDeploymentParams(deployment.params, params);
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
