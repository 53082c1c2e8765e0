/** One deployment of a Router's `modelList`, resolved: its id, group, limits and parameters. */
import type { CompletionParams } from "../params/schemas.js";
import { hashHex } from "./hash-hex.js";

/**
 * A deployment's parameters: `completion()` parameters (without `messages` and `stream`) used as
 * defaults for every call routed to it; `model` is required.
 */
export type DeploymentParams = Omit<CompletionParams, "messages" | "stream" | "model"> & {
  /** The deployment's model, with its provider prefix: `"cometapi/gpt-5"`. */
  model: string;
};

/** One entry of a Router's `modelList`. */
export interface DeploymentConfig {
  /** The group name callers use as `model`: `"smart"`. Many deployments may share one. */
  modelName: string;
  /** Defaults for every call to this deployment; the call's own keys win. */
  params: DeploymentParams;
  /**
   * A stable id (shown in `_hidden_params.deployment`, cooldowns and shared state). Derived from
   * the model, base and a hash of the key when not given, the same in every process.
   */
  id?: string | undefined;
  /** Requests a minute this deployment may get. */
  rpm?: number | undefined;
  /** Tokens (prompt + completion) a minute this deployment may use. */
  tpm?: number | undefined;
  /** Share of the traffic under `simple-shuffle` (relative to the group's other weights). */
  weight?: number | undefined;
}

/** A deployment as the Router works with it. */
export interface Deployment {
  readonly id: string;
  readonly modelName: string;
  readonly params: DeploymentParams;
  readonly rpm: number | undefined;
  readonly tpm: number | undefined;
  readonly weight: number | undefined;
}

/**
 * `cometapi/gpt-5@https://api.cometapi.com/v1#1a2b3c4d`: the model, the base (when given) and
 * the first 8 hex digits of a SHA-256 of the key (when given): stable across processes, and
 * never the key itself.
 */
function deploymentId(params: DeploymentParams): string {
  let id = params.model;
  if (params.apiBase !== undefined) id += `@${params.apiBase}`;
  if (params.apiKey !== undefined) {
    id += `#${hashHex("sha256", params.apiKey).slice(0, 8)}`;
  }
  return id;
}

/** Resolves a `modelList` entry. */
export function toDeployment(config: DeploymentConfig): Deployment {
  return {
    id: config.id ?? deploymentId(config.params),
    modelName: config.modelName,
    params: config.params,
    rpm: config.rpm,
    tpm: config.tpm,
    weight: config.weight,
  };
}
