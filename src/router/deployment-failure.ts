/**
 * What a failed call means for its deployment: whether it counts against it, and whether it
 * cools it down at once (SPEC: a 429, 401, 403, 404 or 408; a longer `retry-after` lengthens
 * the cooldown, up to 60 s).
 */
import { APIError, BadRequestError, LLMError } from "../errors/errors.js";
import { MAX_SERVER_DELAY_MS, serverDelayMs } from "../http/retry-delay.js";
import type { CallOutcome } from "./router-state.js";

const COOL_AT_ONCE = new Set([429, 401, 403, 404, 408]);

/**
 * The failure to record for `error`, or undefined when it is not the deployment's fault (a
 * request the caller got wrong: a 400, a 422, a validation error; the caller's abort).
 */
export function deploymentFailure(
  error: unknown,
  canCoolDown: boolean,
  cooldownTime: number,
  now: number,
): CallOutcome["failure"] {
  if (!(error instanceof LLMError)) return undefined;
  const status = error instanceof APIError ? error.status : undefined;
  const reason = `${status === undefined ? "" : `${status} `}${error.name}`;
  if (error instanceof APIError && status !== undefined && COOL_AT_ONCE.has(status)) {
    const asked = serverDelayMs(error.headers, now) ?? 0;
    const cooldownMs = Math.max(cooldownTime, Math.min(asked, MAX_SERVER_DELAY_MS));
    return { canCoolDown, cooldownMs, reason };
  }
  // Other 4xx: the request was wrong, wherever it went. A 409 is a conflict on the server's side.
  if (error instanceof BadRequestError) return undefined;
  if (status !== undefined && status >= 400 && status < 500 && status !== 409) return undefined;
  return { canCoolDown, cooldownMs: 0, reason };
}
