/**
 * One `abort` listener per caller signal, however many calls share it. A batch of calls under one
 * `AbortController` is common, and an `AbortSignal` with more than 10 listeners makes Node print
 * a `MaxListenersExceededWarning` into the caller's logs.
 */

interface Subscribers {
  callbacks: Set<() => void>;
  listener: () => void;
}

const subscribersBySignal = new WeakMap<AbortSignal, Subscribers>();

/**
 * Calls `callback` when `signal` aborts (at once, if it already has). Returns the function that
 * unsubscribes.
 */
export function onAbort(signal: AbortSignal, callback: () => void): () => void {
  if (signal.aborted) {
    callback();
    return () => {};
  }
  let subscribers = subscribersBySignal.get(signal);
  if (subscribers === undefined) {
    const callbacks = new Set<() => void>();
    const listener = () => {
      subscribersBySignal.delete(signal);
      for (const each of callbacks) each();
    };
    subscribers = { callbacks, listener };
    subscribersBySignal.set(signal, subscribers);
    signal.addEventListener("abort", listener, { once: true });
  }
  const { callbacks, listener } = subscribers;
  callbacks.add(callback);
  return () => {
    callbacks.delete(callback);
    if (callbacks.size === 0 && subscribersBySignal.get(signal)?.callbacks === callbacks) {
      subscribersBySignal.delete(signal);
      signal.removeEventListener("abort", listener);
    }
  };
}
