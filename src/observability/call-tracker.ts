/**
 * One call's events: made only when the call has handlers or telemetry, it holds what every event shares
 * (`callId`, provider, model, parameters, start) and sends `onStart` once, before the rest.
 */
import type { ResolvedCall } from "../http/resolved-call.js";
import { streamChunkBuilder } from "../stream/stream-chunk-builder.js";
import type { StreamObserver } from "../stream/stream-observer.js";
import type { HiddenParams, ModelResponseStream, RoutedDeployment, Usage } from "../types.js";
import type { CallbackEvent, CallbackHandler } from "./callbacks.js";
import { type CallbackName, emitEvent } from "./emit-event.js";
import { eventParams } from "./event-params.js";
import type { CallTelemetry } from "./telemetry.js";

/** An answer as the tracker reads it: its usage and hidden params, when it has them. */
interface Answer {
  readonly usage?: unknown;
  readonly _hidden_params?: HiddenParams | undefined;
}

/** The events of one call. */
export class CallTracker {
  readonly #handlers: readonly CallbackHandler[];
  readonly #telemetry: CallTelemetry | undefined;
  readonly #callId = crypto.randomUUID();
  readonly #callType: string;
  readonly #params: Record<string, unknown>;
  readonly #stream: boolean;
  readonly #startTime = Date.now();
  readonly #startedAt = performance.now();
  #started = false;
  #ended = false;
  #firstChunkMs: number | undefined;
  provider: string;
  model: string;
  deployment: RoutedDeployment | undefined;

  constructor(
    handlers: readonly CallbackHandler[],
    callType: string,
    params: unknown,
    telemetry?: CallTelemetry,
  ) {
    this.#handlers = handlers;
    this.#telemetry = telemetry;
    this.#callType = callType;
    this.#params = eventParams(params);
    this.#stream = this.#params.stream === true;
    const model = typeof this.#params.model === "string" ? this.#params.model : "";
    const slash = model.indexOf("/");
    this.provider = slash === -1 ? "" : model.slice(0, slash);
    this.model = slash === -1 ? model : model.slice(slash + 1);
  }

  /** Sends `onStart`, once; every other event sends it first when it has not been sent. */
  start(): void {
    if (this.#started) return;
    this.#started = true;
    this.#emit("onStart", this.#event(0));
  }

  /** Runs `run` inside the call's span, when there is one (see `CallTelemetry.within`). */
  within<T>(run: () => T): T {
    return this.#telemetry === undefined ? run() : this.#telemetry.within(run);
  }

  /** The resolved `call`, its provider and model taken, its retries reported. */
  follow(call: ResolvedCall): ResolvedCall {
    this.provider = call.adapter.id;
    this.model = call.model;
    this.#telemetry?.server(call.apiBase);
    return { ...call, onRetry: (error, attempts) => this.retry(error, attempts) };
  }

  /** A non-streamed answer (a stream's end goes through {@link observeStream}). */
  succeed(answer: Answer, extra?: Partial<CallbackEvent>): void {
    if (this.#ended) return;
    this.#ended = true;
    const hidden = answer._hidden_params;
    const event = this.#event(hidden?.attempts ?? 0);
    event.response = answer;
    event.usage = (answer.usage ?? undefined) as Usage | undefined;
    event.cost = hidden?.responseCost;
    event.endTime = Date.now();
    if (hidden?.deployment !== undefined) event.deployment = hidden.deployment;
    this.#emit("onSuccess", extra === undefined ? event : Object.assign(event, extra));
  }

  /** The call failed with `error` (`attempts` from it when it says). */
  fail(error: unknown, extra?: Partial<CallbackEvent>): void {
    if (this.#ended) return;
    this.#ended = true;
    const event = this.#event(attemptsOf(error));
    event.error = error;
    event.endTime = Date.now();
    this.#emit("onFailure", extra === undefined ? event : Object.assign(event, extra));
  }

  /** A retry is about to be made after `error`; `attempts` made so far. */
  retry(error: unknown, attempts: number): void {
    const event = this.#event(attempts);
    event.error = error;
    event.endTime = Date.now();
    this.#emit("onRetry", event);
  }

  /** Through a Router: group `from` failed with `error`; `to` is tried next. */
  fallback(error: unknown, from: string, to: string, attempts: number): void {
    const event = this.#event(attempts);
    event.error = error;
    event.endTime = Date.now();
    event.fallback = { from, to };
    this.#emit("onFallback", event);
  }

  /**
   * An observer that reports the stream when it ends, with the response rebuilt from the chunks
   * seen, then hands each event on to `next`. `hiddenOf` gives the stream's hidden params (its
   * cost is set on them at its end, before this observer runs); `aborted` says whether the
   * caller's signal ended it.
   */
  observeStream(
    next: StreamObserver | undefined,
    hiddenOf: () => HiddenParams | undefined,
    aborted: () => boolean,
  ): StreamObserver {
    const chunks: ModelResponseStream[] = [];
    return {
      onChunk: (chunk) => {
        this.markFirstChunk();
        chunks.push(chunk);
        next?.onChunk?.(chunk);
      },
      onEnd: (error, early) => {
        next?.onEnd(error, early);
        const hidden = hiddenOf();
        const response = rebuild(chunks);
        const extra: Partial<CallbackEvent> = {
          timeToFirstChunkMs: this.#firstChunkMs,
          cost: hidden?.responseCost,
          usage: response?.usage ?? undefined,
          response,
        };
        if (hidden?.deployment !== undefined) extra.deployment = hidden.deployment;
        const attempts = hidden?.attempts ?? 0;
        if (error !== undefined && !aborted()) {
          this.fail(error, { ...extra, attempts });
          return;
        }
        const last = response?.choices.at(-1)?.finish_reason;
        extra.finishReason = !early ? last : aborted() ? "aborted" : "left early";
        this.#ended = true;
        const event = Object.assign(this.#event(attempts), extra);
        event.endTime = Date.now();
        this.#emit("onSuccess", event);
      },
    };
  }

  /** The stream's first chunk has come (read while opening it, before the loop sees it). */
  markFirstChunk(): void {
    this.#firstChunkMs ??= performance.now() - this.#startedAt;
  }

  #event(attempts: number): CallbackEvent {
    return {
      callId: this.#callId,
      callType: this.#callType,
      provider: this.provider,
      model: this.model,
      deployment: this.deployment,
      params: this.#params,
      stream: this.#stream,
      startTime: this.#startTime,
      attempts,
    };
  }

  #emit(name: CallbackName, event: CallbackEvent): void {
    if (!this.#started) this.start();
    this.#telemetry?.event(name, event);
    emitEvent(this.#handlers, name, event);
  }
}

/** The response a stream's chunks make, or none when they make none. */
function rebuild(chunks: ModelResponseStream[]) {
  if (chunks.length === 0) return undefined;
  try {
    return streamChunkBuilder(chunks);
  } catch {
    return undefined;
  }
}

function attemptsOf(error: unknown): number {
  const attempts = (error as { attempts?: unknown } | null)?.attempts;
  return typeof attempts === "number" ? attempts : 0;
}
