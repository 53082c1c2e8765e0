/**
 * Google's Gemini API behind llmux's OpenAI-shaped call: `gemini/<model>`, and
 * `createGeminiProvider()` for the same protocol under another prefix and base (CometAPI's
 * native endpoint, say).
 */
import { BadRequestError } from "../../errors/errors.js";
import {
  type Endpoint,
  joinVersionedPath,
  type ProviderAdapter,
  type ProviderRequest,
  type ProviderRequestInput,
} from "../provider.js";
import type { RequestContext } from "../shared/create-request-error.js";
import { type NativeProviderConfig, nativeAdapterBase } from "../shared/native-provider-config.js";
import { CHAT_PARAMS, mapChatRequest } from "./map-chat-request.js";
import { mapChatResponse } from "./map-chat-response.js";
import { EMBEDDING_PARAMS, mapEmbeddingRequest, mapEmbeddingResponse } from "./map-embeddings.js";
import { MODEL_LIST_QUERY, mapModelList } from "./map-model-list.js";
import { modelResourceName } from "./model-resource-name.js";
import { createStreamMapper } from "./stream-mapper.js";

/** Where a Gemini-protocol provider lives and how it is authenticated. */
export type GeminiProviderConfig = NativeProviderConfig;

/** The version segment of every Gemini endpoint. */
const VERSION = "v1beta";

/** The wire parameters mapped to Gemini's, per endpoint: any other is refused before a request. */
const SUPPORTED_PARAMS: Partial<Record<Endpoint, ReadonlySet<string>>> = {
  chat: CHAT_PARAMS,
  embeddings: EMBEDDING_PARAMS,
};

/**
 * Builds an adapter for a provider that speaks the Gemini API: `POST
 * {base}/v1beta/models/{model}:generateContent` (`:streamGenerateContent?alt=sse` for a stream,
 * `:batchEmbedContents` for `embedding()`), `GET {base}/v1beta/models` for `listModels()`, the
 * key in the `x-goog-api-key` header, never in the URL (URLs end up in logs and proxies). The
 * base is the API's root; one that already ends in `/v1beta` is not doubled.
 *
 * @example
 * registerProvider(
 *   createGeminiProvider({
 *     id: "cometapi-gemini",
 *     defaultApiBase: "https://api.cometapi.com",
 *     apiKeyEnv: ["COMETAPI_KEY"],
 *   }),
 * );
 * await completion({ model: "cometapi-gemini/gemini-2.5-flash", messages });
 */
export function createGeminiProvider(config: GeminiProviderConfig): ProviderAdapter {
  const id = config.id;
  const staticHeaders = config.headers ?? {};
  return {
    ...nativeAdapterBase(config),
    supportedParams: SUPPORTED_PARAMS,

    doBuildRequest(input: ProviderRequestInput): ProviderRequest {
      const headers: Record<string, string> = { ...staticHeaders };
      if (input.apiKey !== undefined) headers["x-goog-api-key"] = input.apiKey;
      const context: RequestContext = { provider: id, model: input.model };
      // Each segment escaped: a model id is text, never a path (or a query) of its own.
      const resource = `/${modelResourceName(input.model).split("/").map(encodeURIComponent).join("/")}`;
      const body = input.body ?? {};
      let path: string;
      let request: Record<string, unknown> | undefined;
      switch (input.endpoint) {
        case "chat":
          path =
            body.stream === true
              ? `${resource}:streamGenerateContent?alt=sse`
              : `${resource}:generateContent`;
          request = mapChatRequest(body, context);
          break;
        case "embeddings":
          path = `${resource}:batchEmbedContents`;
          request = mapEmbeddingRequest(body, context);
          break;
        case "models":
          path = `/models${MODEL_LIST_QUERY}`;
          request = undefined;
          break;
        case "images":
          throw new BadRequestError(
            `llmux: the ${id}/ provider has no image generation: Gemini makes images through generateContent with an image model. Call completion() with one, or use another provider for imageGeneration().`,
            { provider: id, model: input.model },
          );
      }
      if (request !== undefined) headers["content-type"] = "application/json";
      return {
        method: request === undefined ? "GET" : "POST",
        url: joinVersionedPath(input.apiBase, VERSION, path),
        headers,
        body: request,
      };
    },

    /**
     * Maps Gemini's answers. `model` is the call's model id, for an answer that does not name
     * it (an embedding list; a chat answer's `modelVersion` names its own).
     */
    doMapResponse(endpoint: Endpoint, body: Record<string, unknown>, model: string) {
      switch (endpoint) {
        case "chat":
          return mapChatResponse(body, model);
        case "embeddings":
          return mapEmbeddingResponse(body, model);
        case "models":
          return mapModelList(body);
        default:
          return body;
      }
    },

    doCreateStreamMapper: createStreamMapper,
  };
}

/**
 * The built-in `gemini/` provider: Google's Gemini API with `GEMINI_API_KEY` (or
 * `GOOGLE_API_KEY`), at `GEMINI_API_BASE` or `https://generativelanguage.googleapis.com`.
 *
 * @example
 * const response = await completion({
 *   model: "gemini/gemini-2.5-flash",
 *   messages: [{ role: "user", content: "Hi" }],
 * });
 */
export const gemini: ProviderAdapter = createGeminiProvider({
  id: "gemini",
  defaultApiBase: "https://generativelanguage.googleapis.com",
  apiKeyEnv: ["GEMINI_API_KEY", "GOOGLE_API_KEY"],
  apiBaseEnv: ["GEMINI_API_BASE"],
});
