/**
 * Calls handlers so that none can delay or break a call: a returned promise is not awaited (its
 * rejection is caught), and a throw becomes one process warning per handler and event name.
 */
import type { CallbackEvent, CallbackHandler } from "./callbacks.js";

/** The five events a handler can have. */
export type CallbackName = "onStart" | "onSuccess" | "onFailure" | "onRetry" | "onFallback";

/** Which event names of a handler have been warned about already. */
const warned = new WeakMap<CallbackHandler, Set<CallbackName>>();

/** Hands `event` to each handler's `name` method. */
export function emitEvent(
  handlers: readonly CallbackHandler[],
  name: CallbackName,
  event: CallbackEvent,
): void {
  for (const handler of handlers) {
    const method = handler[name];
    if (typeof method !== "function") continue;
    try {
      const result: unknown = method.call(handler, event);
      if (isThenable(result)) {
        result.then(undefined, (error: unknown) => warnOnce(handler, name, error));
      }
    } catch (error) {
      warnOnce(handler, name, error);
    }
  }
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return (
    typeof value === "object" &&
    value !== null &&
    typeof (value as PromiseLike<unknown>).then === "function"
  );
}

function warnOnce(handler: CallbackHandler, name: CallbackName, error: unknown): void {
  let names = warned.get(handler);
  if (names === undefined) {
    names = new Set();
    warned.set(handler, names);
  }
  if (names.has(name)) return;
  names.add(name);
  const reason = error instanceof Error ? error.message : String(error);
  process.emitWarning(`llmux: a callback's ${name} failed (the call went on): ${reason}`, {
    code: "LLMUX_CALLBACK_FAILED",
  });
}
