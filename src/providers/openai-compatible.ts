/**
 * The shared adapter for OpenAI-shaped APIs. CometAPI, OpenAI and any OpenAI-compatible server
 * (vLLM, Ollama, LM Studio, gateways) are configurations of this one.
 */
import type {
  Endpoint,
  ProviderAdapter,
  ProviderRequest,
  ProviderRequestInput,
} from "./provider.js";

/** How an OpenAI-compatible provider is reached and authenticated. */
export interface OpenAICompatibleProviderConfig {
  /** The model prefix: `openrouter` makes `openrouter/<model>` go to this provider. */
  id: string;
  /**
   * The base URL when neither `apiBase` nor a variable gives one. Leave it out to make `apiBase`
   * required.
   * @example "https://openrouter.ai/api/v1"
   */
  defaultApiBase?: string | undefined;
  /**
   * Environment variables holding the key, looked up in order after `apiKey`.
   * @default []
   */
  apiKeyEnv?: readonly string[] | undefined;
  /**
   * Whether a key is required. Without one, an optional-key provider sends no `authorization`.
   * @default true
   */
  apiKeyRequired?: boolean | undefined;
  /**
   * Environment variables holding the base URL, looked up in order after `apiBase`.
   * @default []
   */
  apiBaseEnv?: readonly string[] | undefined;
  /** Headers sent with every request to this provider (before the caller's `extraHeaders`). */
  headers?: Record<string, string> | undefined;
}

const PATHS: Record<Endpoint, string> = {
  chat: "/chat/completions",
  embeddings: "/embeddings",
  images: "/images/generations",
  models: "/models",
};

/**
 * Copies a `reasoning` string onto `reasoning_content`, the name OpenAI-shaped clients (and
 * LiteLLM) use. The original field is kept: fields the server sends are never stripped.
 */
function surfaceReasoning(holder: Record<string, unknown> | undefined): void {
  if (holder === undefined || holder === null) return;
  const reasoning = holder.reasoning;
  if (typeof reasoning === "string" && holder.reasoning_content == null) {
    holder.reasoning_content = reasoning;
  }
}

type ChoiceLike = { message?: Record<string, unknown>; delta?: Record<string, unknown> };

/**
 * Builds an adapter for a provider whose HTTP API is OpenAI's: `POST {apiBase}/chat/completions`
 * and friends, `authorization: Bearer <key>`.
 *
 * @example
 * registerProvider(
 *   createOpenAICompatibleProvider({
 *     id: "openrouter",
 *     defaultApiBase: "https://openrouter.ai/api/v1",
 *     apiKeyEnv: ["OPENROUTER_API_KEY"],
 *   }),
 * );
 */
export function createOpenAICompatibleProvider(
  config: OpenAICompatibleProviderConfig,
): ProviderAdapter {
  const staticHeaders = config.headers ?? {};
  return {
    id: config.id,
    apiKeyEnv: config.apiKeyEnv ?? [],
    apiKeyRequired: config.apiKeyRequired ?? true,
    apiBaseEnv: config.apiBaseEnv ?? [],
    defaultApiBase: config.defaultApiBase,

    doBuildRequest(input: ProviderRequestInput): ProviderRequest {
      const headers: Record<string, string> = { ...staticHeaders };
      if (input.apiKey !== undefined) headers.authorization = `Bearer ${input.apiKey}`;
      if (input.body !== undefined) headers["content-type"] = "application/json";
      return {
        method: input.body === undefined ? "GET" : "POST",
        url: input.apiBase + PATHS[input.endpoint],
        headers,
        body: input.body,
      };
    },

    doMapResponse(endpoint, body) {
      if (endpoint === "chat" && Array.isArray(body.choices)) {
        for (const choice of body.choices as ChoiceLike[]) surfaceReasoning(choice?.message);
      }
      return body;
    },

    doMapChunk(chunk) {
      const choices = chunk.choices as ChoiceLike[] | undefined;
      if (choices !== undefined && choices.length > 0) {
        for (let index = 0; index < choices.length; index++) {
          const delta = choices[index]?.delta;
          if (delta !== undefined && delta !== null && delta.reasoning !== undefined) {
            surfaceReasoning(delta);
          }
        }
      }
      return chunk;
    },
  };
}
