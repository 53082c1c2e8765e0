/** The API key of a call: `apiKey`, else the provider's variables in order (SPEC's precedence). */
import { AuthenticationError } from "../errors/errors.js";
import type { ProviderAdapter } from "../providers/provider.js";
import { headerError, isSendableHeaderValue } from "./check-headers.js";
import { firstEnv } from "./first-env.js";

/**
 * `apiKey`, else the provider's variables in order; throws where the provider needs one and
 * none is set, or where the key holds a character a header cannot carry.
 */
export function resolveApiKey(
  adapter: ProviderAdapter,
  apiKey: string | undefined,
  model: string,
): string | undefined {
  if (apiKey !== undefined) return checked(apiKey, "apiKey");
  const fromEnv = firstEnv(adapter.apiKeyEnv);
  if (fromEnv !== undefined) return checked(fromEnv.value, fromEnv.name);
  if (!adapter.apiKeyRequired) return undefined;
  const variables =
    adapter.apiKeyEnv.length === 0 ? "" : ` or set ${adapter.apiKeyEnv.join(" or ")}`;
  throw new AuthenticationError(
    `llmux: no API key for ${adapter.id}/${model}. Pass \`apiKey\`${variables}.`,
    { provider: adapter.id, model, isRetryable: false },
  );
}

function checked(apiKey: string, source: string): string {
  if (isSendableHeaderValue(apiKey)) return apiKey;
  throw headerError(
    source,
    "holds a character HTTP cannot send in a header (CR, LF, NUL or another control character; often a trailing newline from a file); remove it",
  );
}
