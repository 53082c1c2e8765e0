/**
 * From a call's parameters to everything needed to send it: the provider adapter, the model id,
 * the key and base URL (with the precedence of SPEC.md), the transport and the limits.
 */
import type { ErrorContext } from "../errors/create-error.js";
import { AuthenticationError, BadRequestError } from "../errors/errors.js";
import { createFetchTransport } from "../http/transport/fetch-transport.js";
import type { Transport } from "../http/transport/transport.js";
import { createUndiciTransport } from "../http/transport/undici-transport.js";
import type { ProviderAdapter } from "../providers/provider.js";
import { getProvider, listProviders } from "../providers/registry.js";
import type { ClientOptions } from "./schemas.js";

/** @default 600000 */
export const DEFAULT_TIMEOUT_MS = 600_000;
/** @default 300000 */
export const DEFAULT_STREAM_IDLE_TIMEOUT_MS = 300_000;
/** @default 2 */
export const DEFAULT_MAX_RETRIES = 2;
/** @default 268435456 (256 MiB) */
export const DEFAULT_MAX_RESPONSE_BYTES = 256 * 1024 * 1024;

/** The client options that are never sent. */
export const CLIENT_OPTION_KEYS: ReadonlySet<string> = new Set([
  "apiKey",
  "apiBase",
  "timeout",
  "streamIdleTimeout",
  "maxRetries",
  "maxResponseBytes",
  "signal",
  "extraHeaders",
  "extraBody",
  "mockResponse",
  "dispatcher",
  "fetch",
]);

/** Everything needed to send a call, resolved once per call. */
export interface ResolvedCall {
  adapter: ProviderAdapter;
  /** The model id without the provider prefix. */
  model: string;
  apiKey: string | undefined;
  apiBase: string;
  timeout: number;
  maxRetries: number;
  signal: AbortSignal | undefined;
  /** Lower-case names. */
  extraHeaders: Record<string, string> | undefined;
  transport: Transport;
  /** For error messages (and redaction). */
  context: ErrorContext;
}

/** The adapter registered as `id`; a `BadRequestError` naming the known providers otherwise. */
export function resolveProvider(id: string): ProviderAdapter {
  const adapter = getProvider(id);
  if (adapter !== undefined) return adapter;
  const known = listProviders().join(", ");
  throw new BadRequestError(
    `llmux: unknown provider "${id}". Known providers: ${known}; add one with registerProvider().`,
    {
      issues: [{ path: "provider", message: `is not a known provider; known providers: ${known}` }],
    },
  );
}

/** Splits `cometapi/openai/gpt-4o` into the `cometapi` adapter and `openai/gpt-4o`. */
export function parseModel(model: string): { adapter: ProviderAdapter; model: string } {
  const slash = model.indexOf("/");
  const providerId = slash === -1 ? "" : model.slice(0, slash);
  const modelId = slash === -1 ? model : model.slice(slash + 1);
  const adapter = providerId === "" ? undefined : getProvider(providerId);
  if (adapter === undefined) {
    const known = listProviders()
      .map((id) => `"${id}/"`)
      .join(", ");
    const what =
      slash === -1 ? `has no provider prefix` : `names an unknown provider "${providerId}"`;
    throw new BadRequestError(
      `llmux: model "${model}" ${what}. Write it as "<provider>/<model id>", with one of ${known} (for example "cometapi/${modelId || "gpt-5"}"), or add a provider with registerProvider().`,
      { model, issues: [{ path: "model", message: `${what}; known providers: ${known}` }] },
    );
  }
  if (modelId === "") {
    throw new BadRequestError(
      `llmux: model "${model}" has no model id after "${providerId}/". Write it as "${providerId}/<model id>".`,
      {
        provider: providerId,
        issues: [{ path: "model", message: "has no model id after the provider prefix" }],
      },
    );
  }
  return { adapter, model: modelId };
}

function firstEnv(names: readonly string[]): { name: string; value: string } | undefined {
  for (const name of names) {
    const value = process.env[name];
    if (value !== undefined && value !== "") return { name, value };
  }
  return undefined;
}

/** `apiKey`, else the provider's variables in order; throws where the provider needs one. */
export function resolveApiKey(
  adapter: ProviderAdapter,
  apiKey: string | undefined,
  model: string,
): string | undefined {
  if (apiKey !== undefined) return apiKey;
  const fromEnv = firstEnv(adapter.apiKeyEnv);
  if (fromEnv !== undefined) return fromEnv.value;
  if (!adapter.apiKeyRequired) return undefined;
  const variables =
    adapter.apiKeyEnv.length === 0 ? "" : ` or set ${adapter.apiKeyEnv.join(" or ")}`;
  throw new AuthenticationError(
    `llmux: no API key for ${adapter.id}/${model}. Pass \`apiKey\`${variables}.`,
    { provider: adapter.id, model, isRetryable: false },
  );
}

const VERSION_SEGMENT = /^v\d+[a-z0-9]*$/i;
const normalizedBases = new Map<string, string>();

/**
 * Drops a trailing `/` and appends `/v1` to a base with no version segment (`v1`, `v2`,
 * `v1beta`). Throws when the text is not an http(s) URL.
 */
export function normalizeApiBase(base: string, source: string): string {
  const cached = normalizedBases.get(base);
  if (cached !== undefined) return cached;
  let url: URL;
  try {
    url = new URL(base);
  } catch {
    url = new URL("invalid:");
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    throw new BadRequestError(
      `llmux: ${source} "${base}" is not an http(s) URL. Give the provider's base URL, for example "https://api.cometapi.com/v1".`,
      { issues: [{ path: source, message: "must be an absolute http(s) URL" }] },
    );
  }
  const trimmed = base.replace(/\/+$/, "");
  const hasVersion = url.pathname.split("/").some((segment) => VERSION_SEGMENT.test(segment));
  const normalized = hasVersion ? trimmed : `${trimmed}/v1`;
  if (normalizedBases.size < 256) normalizedBases.set(base, normalized);
  return normalized;
}

/** `apiBase`, else the provider's variables in order, else its default; normalized. */
export function resolveApiBase(
  adapter: ProviderAdapter,
  apiBase: string | undefined,
  model: string,
): string {
  if (apiBase !== undefined) return normalizeApiBase(apiBase, "apiBase");
  const fromEnv = firstEnv(adapter.apiBaseEnv);
  if (fromEnv !== undefined) return normalizeApiBase(fromEnv.value, fromEnv.name);
  if (adapter.defaultApiBase !== undefined)
    return normalizeApiBase(adapter.defaultApiBase, "defaultApiBase");
  const variables =
    adapter.apiBaseEnv.length === 0 ? "" : ` or set ${adapter.apiBaseEnv.join(" or ")}`;
  throw new BadRequestError(
    `llmux: ${adapter.id}/${model} needs a base URL. Pass \`apiBase\`${variables}, for example "http://localhost:8000/v1".`,
    {
      provider: adapter.id,
      model,
      issues: [{ path: "apiBase", message: `is required for the ${adapter.id} provider` }],
    },
  );
}

let defaultTransport: Transport | undefined;

function transportFor(options: ClientOptions): Transport {
  if (options.fetch !== undefined) return createFetchTransport(options.fetch);
  if (options.dispatcher !== undefined) return createUndiciTransport(options.dispatcher);
  defaultTransport ??= createUndiciTransport();
  return defaultTransport;
}

function lowerCaseNames(
  headers: Record<string, string> | undefined,
): Record<string, string> | undefined {
  if (headers === undefined) return undefined;
  const lower: Record<string, string> = {};
  for (const name in headers) lower[name.toLowerCase()] = headers[name] as string;
  return lower;
}

/** Resolves a validated call for `adapter` and `model`. */
export function resolveCall(
  adapter: ProviderAdapter,
  model: string,
  options: ClientOptions,
): ResolvedCall {
  const apiBase = resolveApiBase(adapter, options.apiBase, model);
  const apiKey = resolveApiKey(adapter, options.apiKey, model);
  return {
    adapter,
    model,
    apiKey,
    apiBase,
    timeout: options.timeout ?? DEFAULT_TIMEOUT_MS,
    maxRetries: options.maxRetries ?? DEFAULT_MAX_RETRIES,
    signal: options.signal,
    extraHeaders: lowerCaseNames(options.extraHeaders),
    transport: transportFor(options),
    context: { provider: adapter.id, model, apiKey },
  };
}

/**
 * The JSON body of a call: every wire (snake_case) parameter as given, the model id without its
 * prefix, then `extraBody` merged last.
 */
export function buildBody(params: Record<string, unknown>, model: string): Record<string, unknown> {
  const body: Record<string, unknown> = { model };
  for (const key in params) {
    if (key === "model" || CLIENT_OPTION_KEYS.has(key)) continue;
    const value = params[key];
    if (value !== undefined) body[key] = value;
  }
  const extraBody = params.extraBody as Record<string, unknown> | undefined;
  if (extraBody !== undefined) Object.assign(body, extraBody);
  return body;
}
