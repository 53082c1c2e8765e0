/**
 * The base URL of a call: `apiBase`, else the provider's variables in order, else its default
 * (SPEC's precedence), normalized once per distinct text.
 */
import { BadRequestError } from "../errors/errors.js";
import type { ProviderAdapter } from "../providers/provider.js";
import { firstEnv } from "./first-env.js";

/** A base URL split for sending: the base without its query, and the query. */
export interface ApiBase {
  /** No trailing `/`, a version segment (`/v1` added where there was none), no query. */
  base: string;
  /** `?api-version=...` as given, sent after each endpoint's path; `""` when none. */
  query: string;
}

const VERSION_SEGMENT = /^v\d+[a-z0-9]*$/i;
const normalizedBases = new Map<string, ApiBase>();

/**
 * Drops a trailing `/`, appends `/v1` to a base with no version segment (`v1`, `v2`, `v1beta`)
 * unless the provider takes its API's root, and keeps a query apart. Throws when the text is not an http(s) URL, or has a fragment (which
 * HTTP never sends: it would be dropped without a word).
 */
function normalizeApiBase(text: string, source: string, style: "versioned" | "root"): ApiBase {
  const key = style === "root" ? `root ${text}` : text;
  const cached = normalizedBases.get(key);
  if (cached !== undefined) return cached;
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    url = new URL("invalid:");
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    throw new BadRequestError(
      `llmux: ${source} "${text}" is not an http(s) URL. Give the provider's base URL, for example "https://api.cometapi.com/v1".`,
      { issues: [{ path: source, message: "must be an absolute http(s) URL" }] },
    );
  }
  if (url.hash !== "" || text.includes("#")) {
    throw new BadRequestError(
      `llmux: ${source} has a fragment ("#..."), which is never sent over HTTP. Remove it; put parameters in a query ("?api-version=...") instead.`,
      { issues: [{ path: source, message: "must not have a fragment (#...)" }] },
    );
  }
  const queryAt = text.indexOf("?");
  const path = queryAt === -1 ? text : text.slice(0, queryAt);
  const query = queryAt === -1 || queryAt === text.length - 1 ? "" : text.slice(queryAt);
  const trimmed = path.replace(/\/+$/, "");
  const hasVersion = url.pathname.split("/").some((segment) => VERSION_SEGMENT.test(segment));
  const normalized = { base: hasVersion || style === "root" ? trimmed : `${trimmed}/v1`, query };
  if (normalizedBases.size < 256) normalizedBases.set(key, normalized);
  return normalized;
}

/** `apiBase`, else the provider's variables in order, else its default; normalized. */
export function resolveApiBase(
  adapter: ProviderAdapter,
  apiBase: string | undefined,
  model: string,
): ApiBase {
  const style = adapter.apiBaseStyle ?? "versioned";
  if (apiBase !== undefined) return normalizeApiBase(apiBase, "apiBase", style);
  const fromEnv = firstEnv(adapter.apiBaseEnv);
  if (fromEnv !== undefined) return normalizeApiBase(fromEnv.value, fromEnv.name, style);
  if (adapter.defaultApiBase !== undefined) {
    return normalizeApiBase(adapter.defaultApiBase, "defaultApiBase", style);
  }
  const variables =
    adapter.apiBaseEnv.length === 0 ? "" : ` or set ${adapter.apiBaseEnv.join(" or ")}`;
  throw new BadRequestError(
    `llmux: ${adapter.id}/${model} needs a base URL. Pass \`apiBase\`${variables}, for example "http://localhost:8000/v1".`,
    {
      provider: adapter.id,
      model,
      issues: [{ path: "apiBase", message: `is required for the ${adapter.id} provider` }],
    },
  );
}
