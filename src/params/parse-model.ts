/** From `"<provider>/<model id>"` (or a provider id) to the registered adapter. */
import { BadRequestError } from "../errors/errors.js";
import type { ProviderAdapter } from "../providers/provider.js";
import { getProvider, listProviders } from "../providers/registry.js";

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
