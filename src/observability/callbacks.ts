/**
 * Callbacks: the handler and event types, and the process-wide handlers (LiteLLM's
 * `litellm.callbacks`). Per-call and per-Router handlers join these for one call.
 */
import type { RoutedDeployment, Usage } from "../types.js";

/** What one callback gets: one shape for every event of a call. */
export interface CallbackEvent {
  /** Unique per call: ties a call's `onStart` to its `onSuccess` or `onFailure`. */
  readonly callId: string;
  /** `"completion"`, `"embedding"` or `"imageGeneration"`. */
  readonly callType: string;
  /** The provider prefix: `cometapi`. */
  provider: string;
  /** The model id without the provider prefix (through a Router, the deployment's). */
  model: string;
  /** Through a Router: the deployment tried (or that answered). */
  deployment?: RoutedDeployment | undefined;
  /**
   * The call's parameters, without its key: no `apiKey`, no key-like `extraHeaders` values, no
   * client objects (`signal`, `dispatcher`, `fetch`, `callbacks`, `responseFormat`).
   */
  readonly params: Readonly<Record<string, unknown>>;
  readonly stream: boolean;
  /** `onSuccess`: the answer; for a stream, the response rebuilt from the chunks seen. */
  response?: unknown;
  /** `onFailure`, `onRetry`, `onFallback`: the error. */
  error?: unknown;
  usage?: Usage | undefined;
  /** USD, where the model's price is known (`_hidden_params.responseCost`). */
  cost?: number | undefined;
  /**
   * A stream's end: its last `finish_reason`, or `"left early"` when the loop was left or the
   * stream aborted by `stream.abort()`, or `"aborted"` when the caller's signal aborted it.
   */
  finishReason?: string | null | undefined;
  /** Epoch ms when the call began. */
  readonly startTime: number;
  /** Epoch ms of this event (`onSuccess`, `onFailure`: the call's end). */
  endTime?: number | undefined;
  /** Streams: milliseconds from the call's start to its first chunk. */
  timeToFirstChunkMs?: number | undefined;
  /** HTTP requests made so far (`onRetry`: the attempts that failed). */
  attempts: number;
  /** `onFallback`: the model group that failed and the one tried next. */
  fallback?: { readonly from: string; readonly to: string } | undefined;
}

/**
 * Sees calls: any of the five methods, each given one {@link CallbackEvent}. A handler never
 * delays or breaks a call: what it returns is not awaited, and what it throws (or its promise
 * rejects with) is reported once as a process warning (`LLMUX_CALLBACK_FAILED`).
 *
 * @example
 * addCallback({
 *   onSuccess: (event) => console.log(event.model, event.usage, event.cost),
 *   onFailure: (event) => console.error(event.callId, event.error),
 * });
 */
export interface CallbackHandler {
  /** Once per call, before any other event of it. */
  onStart?(event: CallbackEvent): unknown;
  /** Once, with the answer (a stream's: when it ends, however it ends but by a failure). */
  onSuccess?(event: CallbackEvent): unknown;
  /** Once, with the error (a stream failing after its first chunk: when it ends). */
  onFailure?(event: CallbackEvent): unknown;
  /** Before each retry, with the error that caused it. */
  onRetry?(event: CallbackEvent): unknown;
  /** Through a Router: before each fallback group is tried. */
  onFallback?(event: CallbackEvent): unknown;
}

/** Copied on write: an event being emitted keeps the list it started with. */
let processHandlers: readonly CallbackHandler[] = [];

/**
 * Adds a handler for every call in the process (a second add of the same handler is ignored).
 *
 * @example
 * const logger = { onSuccess: (event) => console.log(event.cost) };
 * addCallback(logger);
 */
export function addCallback(handler: CallbackHandler): void {
  if (typeof handler !== "object" || handler === null) {
    throw new TypeError(
      "llmux: addCallback(handler): handler must be an object with onSuccess, ...",
    );
  }
  if (!processHandlers.includes(handler)) processHandlers = [...processHandlers, handler];
}

/** Removes a handler given to {@link addCallback}; nothing happens for one not added. */
export function removeCallback(handler: CallbackHandler): void {
  if (processHandlers.includes(handler)) {
    processHandlers = processHandlers.filter((added) => added !== handler);
  }
}

/**
 * The handlers of one call: the process's, the Router's, the call's, each once; `undefined`
 * when there are none (the common case, checked first and costing nothing).
 */
export function handlersFor(
  callbacks: unknown,
  perRouter: readonly CallbackHandler[] | undefined,
): readonly CallbackHandler[] | undefined {
  const perCall = Array.isArray(callbacks) ? (callbacks as readonly CallbackHandler[]) : undefined;
  const callCount = perCall?.length ?? 0;
  const routerCount = perRouter?.length ?? 0;
  if (processHandlers.length === 0 && callCount === 0 && routerCount === 0) return undefined;
  if (callCount === 0 && routerCount === 0) return processHandlers;
  const all = new Set(processHandlers);
  for (const handler of perRouter ?? []) all.add(handler);
  for (const handler of perCall ?? []) all.add(handler);
  return [...all];
}
