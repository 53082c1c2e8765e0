/**
 * CometAPI: an OpenAI-compatible gateway to 500+ models. A configuration of the shared
 * OpenAI-compatible adapter; its one quirk (`message.reasoning` for `reasoning_content`) is
 * handled there, since other gateways share it.
 */
import { createOpenAICompatibleProvider } from "./openai-compatible.js";

/** The `cometapi/` provider. */
export const cometapi = createOpenAICompatibleProvider({
  id: "cometapi",
  defaultApiBase: "https://api.cometapi.com/v1",
  apiKeyEnv: ["COMETAPI_KEY", "COMETAPI_API_KEY"],
  apiBaseEnv: ["COMETAPI_BASE_URL", "COMETAPI_API_BASE"],
});
