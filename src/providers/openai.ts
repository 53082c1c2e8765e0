/** OpenAI itself, and any OpenAI-compatible server: configurations of the shared adapter. */
import { createOpenAICompatibleProvider } from "./openai-compatible.js";

/** The `openai/` provider. */
export const openai = createOpenAICompatibleProvider({
  id: "openai",
  defaultApiBase: "https://api.openai.com/v1",
  apiKeyEnv: ["OPENAI_API_KEY"],
  apiBaseEnv: ["OPENAI_BASE_URL"],
});

/**
 * The `openai_compatible/` provider: any OpenAI-compatible server (vLLM, Ollama, LM Studio,
 * gateways). `apiBase` is required; the key is optional (no `authorization` without one).
 */
export const openaiCompatible = createOpenAICompatibleProvider({
  id: "openai_compatible",
  apiKeyRequired: false,
});
