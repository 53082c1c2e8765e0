/**
 * Which groups a failed call falls back to: by the failure's class (a context window, a content
 * policy, anything else), never for the caller's abort, a validation error, or a plain 400
 * (the same request would be refused anywhere).
 */
import {
  BadRequestError,
  ContentPolicyViolationError,
  ContextWindowExceededError,
  LLMError,
} from "../errors/errors.js";
import type { ResolvedRouterOptions } from "./router-options.js";

/** Whether a router may try elsewhere after `error`. */
export function canFallBack(error: unknown): boolean {
  if (!(error instanceof LLMError)) return false; // the caller's abort reason, a mock's error
  if (error instanceof ContextWindowExceededError) return true;
  if (error instanceof ContentPolicyViolationError) return true;
  return !(error instanceof BadRequestError); // a plain 400, or a validation error
}

/** The groups to try after `group` failed with `error`, in order, without `group` itself. */
export function fallbackGroups(
  error: unknown,
  group: string,
  options: ResolvedRouterOptions,
): readonly string[] {
  if (!canFallBack(error)) return [];
  // Own keys only: a group may be called "constructor".
  const of = (map: Readonly<Record<string, readonly string[]>>) =>
    Object.hasOwn(map, group) ? (map[group] as readonly string[]) : [];
  let list: readonly string[];
  if (error instanceof ContextWindowExceededError) list = of(options.contextWindowFallbacks);
  else if (error instanceof ContentPolicyViolationError) list = of(options.contentPolicyFallbacks);
  else list = [...of(options.fallbacks), ...options.defaultFallbacks];
  return [...new Set(list)].filter((name) => name !== group);
}
