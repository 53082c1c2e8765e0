/**
 * How a native-protocol provider (`createAnthropicProvider`, `createGeminiProvider`) is reached
 * and authenticated: the same options as `createOpenAICompatibleProvider`, with the base being
 * the API's root (each endpoint's path carries its version).
 */
export interface NativeProviderConfig {
  /** The model prefix: `claude` makes `claude/<model>` go to this provider. */
  id: string;
  /**
   * The API's root when neither `apiBase` nor a variable gives one.
   * @example "https://api.cometapi.com"
   */
  defaultApiBase?: string | undefined;
  /** Environment variables holding the key, looked up in order after `apiKey`. @default [] */
  apiKeyEnv?: readonly string[] | undefined;
  /** Environment variables holding the base URL, looked up in order after `apiBase`. @default [] */
  apiBaseEnv?: readonly string[] | undefined;
  /** Headers sent with every request to this provider (before the caller's `extraHeaders`). */
  headers?: Record<string, string> | undefined;
}

/** The parts of a native adapter that come straight from its config (the key is required). */
export function nativeAdapterBase(config: NativeProviderConfig) {
  return {
    id: config.id,
    apiKeyEnv: config.apiKeyEnv ?? [],
    apiKeyRequired: true,
    apiBaseEnv: config.apiBaseEnv ?? [],
    defaultApiBase: config.defaultApiBase,
    apiBaseStyle: "root",
  } as const;
}
