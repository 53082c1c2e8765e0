/**
 * The error a Router throws after every try: the last failure, of its own class, carrying the
 * requests made in all and where the call went (`_hidden_params`).
 */
import { APIError, NoDeploymentAvailableError } from "../errors/errors.js";
import type { RoutedDeployment } from "../types.js";

/** Where a routed call went, for its answer or its error. */
export interface Routing {
  /** HTTP requests made in all, over every deployment and group. */
  attempts: number;
  /** Groups tried and failed before the current one. */
  fallbacks: string[];
  /** The deployment called last. */
  deployment: RoutedDeployment | undefined;
  /** The earliest a deployment is available again, over the groups that had none. */
  retryAfterMs: number;
}

/**
 * A copy of `error` (same class, message, stack, fields and cause) with the routed `attempts`,
 * the earliest `retryAfterMs` for a `NoDeploymentAvailableError`, and a non-enumerable
 * `_hidden_params` saying where it went. What is not an `APIError` (the caller's abort reason)
 * is thrown as it is.
 */
export function routedError(error: unknown, routing: Routing): unknown {
  if (!(error instanceof APIError)) return error;
  const copy: APIError = Object.create(Object.getPrototypeOf(error));
  Object.defineProperties(copy, Object.getOwnPropertyDescriptors(error));
  const field = (name: string, value: unknown) =>
    Object.defineProperty(copy, name, {
      value,
      enumerable: true,
      writable: false,
      configurable: true,
    });
  field("attempts", routing.attempts);
  if (error instanceof NoDeploymentAvailableError && Number.isFinite(routing.retryAfterMs)) {
    field("retryAfterMs", routing.retryAfterMs);
  }
  Object.defineProperty(copy, "_hidden_params", {
    value: {
      deployment: routing.deployment,
      attempts: routing.attempts,
      fallbacks: [...routing.fallbacks],
    },
    enumerable: false,
    configurable: true,
  });
  return copy;
}
