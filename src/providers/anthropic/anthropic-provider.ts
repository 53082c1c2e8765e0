/**
 * Anthropic's Messages API behind llmux's OpenAI-shaped call: `anthropic/<model>`, and
 * `createAnthropicProvider()` for the same protocol under another prefix and base (CometAPI's
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
import { type NativeProviderConfig, nativeAdapterBase } from "../shared/native-provider-config.js";
import { mapModelList } from "./map-model-list.js";
import { CHAT_PARAMS, mapRequest } from "./map-request.js";
import { mapResponse } from "./map-response.js";
import { responseToolOf } from "./response-tool.js";
import { createStreamMapper } from "./stream-mapper.js";

/** Where an Anthropic-protocol provider lives and how it is authenticated. */
export type AnthropicProviderConfig = NativeProviderConfig;

/** The version of the Messages API llmux speaks (the `anthropic-version` header). */
export const ANTHROPIC_VERSION = "2023-06-01";

/**
 * Builds an adapter for a provider that speaks Anthropic's Messages API:
 * `POST {base}/v1/messages` with `x-api-key` and `anthropic-version: 2023-06-01`, the base being
 * the API's root (`https://api.anthropic.com`; a base ending in `/v1` is not doubled).
 *
 * @example
 * registerProvider(
 *   createAnthropicProvider({
 *     id: "cometapi-claude",
 *     defaultApiBase: "https://api.cometapi.com",
 *     apiKeyEnv: ["COMETAPI_KEY"],
 *   }),
 * );
 * await completion({ model: "cometapi-claude/claude-sonnet-4-5", messages });
 */
export function createAnthropicProvider(config: AnthropicProviderConfig): ProviderAdapter {
  const id = config.id;
  const staticHeaders = config.headers ?? {};
  return {
    ...nativeAdapterBase(config),
    supportedParams: { chat: CHAT_PARAMS },

    doBuildRequest(input: ProviderRequestInput): ProviderRequest {
      const headers: Record<string, string> = {
        "anthropic-version": ANTHROPIC_VERSION,
        ...staticHeaders,
      };
      if (input.apiKey !== undefined) headers["x-api-key"] = input.apiKey;
      if (input.endpoint === "models") {
        // Anthropic lists 20 models a page unless asked for more; 1000 is its largest page.
        const url = joinVersionedPath(input.apiBase, "v1", "/models?limit=1000");
        return { method: "GET", url, headers, body: undefined };
      }
      if (input.endpoint !== "chat" || input.body === undefined) {
        throw unsupportedEndpoint(id, input.model, input.endpoint);
      }
      headers["content-type"] = "application/json";
      return {
        method: "POST",
        url: joinVersionedPath(input.apiBase, "v1", "/messages"),
        headers,
        body: mapRequest(input.body, { provider: id, model: input.model }),
      };
    },

    doMapResponse(endpoint, body, _model, request) {
      if (endpoint === "chat") return mapResponse(body, responseToolOf(request));
      if (endpoint === "models") return mapModelList(body, id);
      return body;
    },

    doCreateStreamMapper: createStreamMapper,
  };
}

function unsupportedEndpoint(id: string, model: string, endpoint: Endpoint): BadRequestError {
  return new BadRequestError(
    `llmux: the ${id}/ provider has no ${endpoint} endpoint (Anthropic's API has chat and model lists only). Use a provider that offers ${endpoint}.`,
    { provider: id, model, issues: [{ path: "model", message: `${id}/ has no ${endpoint}` }] },
  );
}

/** The `anthropic/` provider: `ANTHROPIC_API_KEY`, `https://api.anthropic.com`. */
export const anthropic = createAnthropicProvider({
  id: "anthropic",
  defaultApiBase: "https://api.anthropic.com",
  apiKeyEnv: ["ANTHROPIC_API_KEY"],
  apiBaseEnv: ["ANTHROPIC_BASE_URL", "ANTHROPIC_API_BASE"],
});
