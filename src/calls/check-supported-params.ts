/**
 * A parameter the provider cannot honour is the caller's to know about, before any request:
 * never dropped without a word (LiteLLM drops them only when asked, with `drop_params`).
 */
import { BadRequestError } from "../errors/errors.js";
import type { Endpoint, ProviderAdapter } from "../providers/provider.js";
import { isWireParam } from "./build-body.js";

/** Parameters every call of an endpoint has, whatever the provider makes of them. */
const ALWAYS = new Set(["messages", "stream", "input", "prompt"]);

/** Throws a `BadRequestError` naming each wire parameter `adapter` cannot honour on `endpoint`. */
export function checkSupportedParams(
  adapter: ProviderAdapter,
  endpoint: Endpoint,
  params: object,
): void {
  const supported = adapter.supportedParams?.[endpoint];
  if (supported === undefined) return;
  const given = params as Record<string, unknown>;
  const unsupported: string[] = [];
  for (const key in given) {
    if (given[key] === undefined || ALWAYS.has(key) || !isWireParam(key)) continue;
    if (!supported.has(key)) unsupported.push(key);
  }
  if (unsupported.length === 0) return;
  const names = unsupported.map((key) => `\`${key}\``).join(", ");
  throw new BadRequestError(
    `llmux: the ${adapter.id}/ provider cannot honour ${names}. Remove ${unsupported.length === 1 ? "it" : "them"}, or send ${unsupported.length === 1 ? "it" : "them"} as the provider's own parameter${unsupported.length === 1 ? "" : "s"} through \`extraBody\`. It takes: ${[...supported].sort().join(", ")}.`,
    {
      provider: adapter.id,
      issues: unsupported.map((key) => ({
        path: key,
        message: `is not supported by the ${adapter.id}/ provider`,
      })),
    },
  );
}
