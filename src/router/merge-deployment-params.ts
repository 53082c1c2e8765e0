/** The parameters a Router sends to one deployment for one call. */
import { setOwn } from "../json-guards.js";

/**
 * A deployment's call: its `params` as defaults, the call's keys winning (but where the call
 * says `undefined`), its own `model`, `maxRetries: 0` (the router is the only retry loop), and
 * no `callbacks` (the router reports the call's events, across deployments). Built key by key,
 * never with `delete`, which would leave V8 a slower object for every read of the call's path.
 */
export function mergeDeploymentParams(
  defaults: Readonly<Record<string, unknown>>,
  call: object,
): Record<string, unknown> {
  const params = call as Readonly<Record<string, unknown>>;
  const merged: Record<string, unknown> = {};
  for (const key in defaults) {
    const given = Object.hasOwn(params, key) ? params[key] : undefined;
    if (given === undefined && key !== "callbacks") setOwn(merged, key, defaults[key]);
  }
  for (const key in params) {
    const value = params[key];
    if (value !== undefined && key !== "callbacks") setOwn(merged, key, value);
  }
  merged.model = defaults.model;
  merged.maxRetries = 0;
  return merged;
}
