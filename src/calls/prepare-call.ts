/**
 * What every call does before its request: validate the parameters, parse the model, resolve the
 * key, base, headers, limits and transport. Everything here fails before any request is made.
 */
import type { ResolvedCall } from "../http/resolved-call.js";
import { selectTransport } from "../http/transport/select-transport.js";
import { checkExtraHeaders } from "../params/check-headers.js";
import {
  DEFAULT_MAX_RESPONSE_BYTES,
  DEFAULT_MAX_RETRIES,
  DEFAULT_TIMEOUT_MS,
} from "../params/defaults.js";
import { parseModel } from "../params/parse-model.js";
import { resolveApiBase } from "../params/resolve-api-base.js";
import { resolveApiKey } from "../params/resolve-api-key.js";
import type { CallName, ClientOptions } from "../params/schemas.js";
import { validateParams } from "../params/validate-params.js";
import type { ProviderAdapter } from "../providers/provider.js";

/** Resolves the call of validated `options` for `adapter` and `model` (empty for a model list). */
export function resolveCall(
  adapter: ProviderAdapter,
  model: string,
  options: ClientOptions,
): ResolvedCall {
  const { base, query } = resolveApiBase(adapter, options.apiBase, model);
  const apiKey = resolveApiKey(adapter, options.apiKey, model);
  return {
    adapter,
    model,
    apiKey,
    apiBase: base,
    apiQuery: query,
    timeout: options.timeout ?? DEFAULT_TIMEOUT_MS,
    maxRetries: options.maxRetries ?? DEFAULT_MAX_RETRIES,
    maxResponseBytes: options.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES,
    signal: options.signal,
    extraHeaders: checkExtraHeaders(options.extraHeaders),
    extraBody: options.extraBody,
    transport: selectTransport(options),
    context: { provider: adapter.id, model, apiKey, attempts: 0 },
  };
}

/** Validates `params` for the call `name`, parses the model, resolves the call. */
export async function prepareCall(
  name: CallName,
  params: ClientOptions & { model: string },
): Promise<ResolvedCall> {
  await validateParams(name, params);
  const { adapter, model } = parseModel(params.model);
  return resolveCall(adapter, model, params);
}
