/**
 * The JSON body of a call in OpenAI's shape: the model id without its prefix, every wire
 * (snake_case) parameter as given, then `extraBody` merged last (it wins).
 */

/** The client options: camelCase keys that control llmux and are never sent. */
const CLIENT_OPTION_KEYS: ReadonlySet<string> = new Set([
  "apiKey",
  "apiBase",
  "timeout",
  "streamIdleTimeout",
  "maxRetries",
  "maxResponseBytes",
  "dropParams",
  "signal",
  "extraHeaders",
  "extraBody",
  "mockResponse",
  "dispatcher",
  "fetch",
  "responseFormat",
  "callbacks",
  "telemetry",
]);

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
