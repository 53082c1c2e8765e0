/** Provider id -> adapter. The built-in providers are registered when this module loads. */
import { LLMError } from "../errors/errors.js";
import { anthropic } from "./anthropic/anthropic-provider.js";
import { cometapi } from "./cometapi.js";
import { gemini } from "./gemini/gemini-provider.js";
import { openai, openaiCompatible } from "./openai.js";
import type { ProviderAdapter } from "./provider.js";

const providers = new Map<string, ProviderAdapter>([
  [anthropic.id, anthropic],
  [cometapi.id, cometapi],
  [gemini.id, gemini],
  [openai.id, openai],
  [openaiCompatible.id, openaiCompatible],
]);

/**
 * Adds a provider (or replaces one with the same id), so that `"<id>/<model>"` reaches it.
 *
 * @example
 * registerProvider(
 *   createOpenAICompatibleProvider({
 *     id: "openrouter",
 *     defaultApiBase: "https://openrouter.ai/api/v1",
 *     apiKeyEnv: ["OPENROUTER_API_KEY"],
 *   }),
 * );
 * await completion({ model: "openrouter/anthropic/claude-sonnet-4", messages });
 */
export function registerProvider(adapter: ProviderAdapter): void {
  if (typeof adapter?.id !== "string" || !/^[a-z0-9][a-z0-9_.-]*$/i.test(adapter.id)) {
    throw new LLMError(
      'llmux: registerProvider() needs an adapter whose `id` is a name without `/`, such as "openrouter".',
    );
  }
  providers.set(adapter.id, adapter);
}

/** The adapter registered under `id`, if any. */
export function getProvider(id: string): ProviderAdapter | undefined {
  return providers.get(id);
}

/** The ids of every registered provider, sorted. */
export function listProviders(): string[] {
  return [...providers.keys()].sort();
}
