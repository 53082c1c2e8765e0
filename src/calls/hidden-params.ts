import type { HiddenParams } from "../types.js";

/** Puts the call's facts on a response as the non-enumerable `_hidden_params`. */
export function attachHiddenParams<T extends object>(target: T, hidden: HiddenParams): T {
  Object.defineProperty(target, "_hidden_params", {
    value: hidden,
    enumerable: false,
    writable: true,
    configurable: true,
  });
  return target;
}

/** The facts of a response no request was made for (a `mockResponse`, a rebuilt stream). */
export function noRequestHiddenParams(provider: string): HiddenParams {
  return { provider, apiBase: "", requestId: undefined, responseMs: 0, attempts: 0, headers: {} };
}
