/**
 * The JSON body of a call in OpenAI's shape: the model id without its prefix, every wire
 * (snake_case) parameter as given, then `extraBody` merged last (it wins).
 */
import type { ClientOptions } from "../params/schemas.js";

/**
 * The client options: camelCase keys that control llmux and are never sent. Typed by the
 * parameter types, so that an option added to `ClientOptions` fails to compile until it is
 * listed here (else it would be sent as a wire parameter).
 */
const CLIENT_OPTIONS: Record<
  keyof ClientOptions | "streamIdleTimeout" | "mockResponse" | "responseFormat",
  true
> = {
  apiKey: true,
  apiBase: true,
  timeout: true,
  streamIdleTimeout: true,
  maxRetries: true,
  maxResponseBytes: true,
  dropParams: true,
  signal: true,
  extraHeaders: true,
  extraBody: true,
  mockResponse: true,
  dispatcher: true,
  fetch: true,
  responseFormat: true,
  callbacks: true,
  telemetry: true,
};
const CLIENT_OPTION_KEYS: ReadonlySet<string> = new Set(Object.keys(CLIENT_OPTIONS));

/** Whether `key` of a call's parameters is a wire parameter (sent), not a client option. */
export function isWireParam(key: string): boolean {
  return key !== "model" && !CLIENT_OPTION_KEYS.has(key);
}

/** Builds the body from a call's validated parameters and its model id. */
export function buildBody(
  params: { extraBody?: Record<string, unknown> | undefined },
  model: string,
  dropped?: ReadonlySet<string>,
): Record<string, unknown> {
  const body: Record<string, unknown> = { model };
  const source = params as Record<string, unknown>;
  for (const key in source) {
    if (key === "model" || CLIENT_OPTION_KEYS.has(key) || dropped?.has(key)) continue;
    const value = source[key];
    if (value !== undefined) body[key] = value;
  }
  if (params.extraBody !== undefined) Object.assign(body, params.extraBody);
  return body;
}
