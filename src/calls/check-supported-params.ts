/**
 * A parameter the provider cannot honour is the caller's to know about, before any request:
 * never dropped without a word (LiteLLM drops them only when asked, with `drop_params`).
 */
import { BadRequestError } from "../errors/errors.js";
import type { Endpoint, ProviderAdapter } from "../providers/provider.js";
import { isWireParam } from "./build-body.js";

/** Parameters every call of an endpoint has, whatever the provider makes of them. */
const ALWAYS = new Set(["messages", "stream", "input", "prompt"]);

/**
 * Throws a `BadRequestError` naming each wire parameter `adapter` cannot honour on `endpoint`;
 * with `dropParams`, returns them instead, to be left out of the body.
 */
export function checkSupportedParams(
  adapter: ProviderAdapter,
  endpoint: Endpoint,
  params: { dropParams?: boolean | undefined },
): ReadonlySet<string> | undefined {
  const supported = adapter.supportedParams?.[endpoint];
  if (supported === undefined) return undefined;
  const given = params as Record<string, unknown>;
  const unsupported: string[] = [];
  for (const key in given) {
    // null is OpenAI's "not set": nothing to honour.
    if (given[key] == null || ALWAYS.has(key) || !isWireParam(key)) continue;
    if (!supported.has(key)) unsupported.push(key);
  }
  if (unsupported.length === 0) return undefined;
  if (params.dropParams === true) return new Set(unsupported);
  const names = unsupported.map((key) => `\`${key}\``).join(", ");
  throw new BadRequestError(
    `llmux: the ${adapter.id}/ provider cannot honour ${names}. Remove ${unsupported.length === 1 ? "it" : "them"}, pass \`dropParams: true\` to leave such parameters out, or send ${unsupported.length === 1 ? "it" : "them"} as the provider's own parameter${unsupported.length === 1 ? "" : "s"} through \`extraBody\`. It takes: ${[...supported].sort().join(", ")}.`,
    {
      provider: adapter.id,
      issues: unsupported.map((key) => ({
        path: key,
        message: `is not supported by the ${adapter.id}/ provider`,
      })),
    },
  );
}
