// Writes src/observability/model-catalog.ts, llmux's bundled model prices and context windows,
// from the dev dependency @pydantic/genai-prices. Run it with `npm run catalog` after updating
// that package (`npm install -D -E @pydantic/genai-prices@latest`), then review the diff.
//
// Only what `ModelInfo` needs is kept: each provider's matching rules, and per model its matching
// rule, context window and prices per million tokens (input, output, cached input, cache write).
// Prices are the ones in effect on the day the script runs: a price that starts later, and
// DeepSeek's off-peak discount (a time of day), are left out; a tiered price keeps its base
// tier. Models with neither a token price nor a context window are left out.
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join, resolve } from "node:path";
import { waitForUpdate } from "@pydantic/genai-prices";

const SOURCE = "@pydantic/genai-prices";
const root = resolve(import.meta.dirname, "..");
const output = join(root, "src/observability/model-catalog.ts");

const require = createRequire(import.meta.url);
// The package exports no `./package.json`: walk up from its entry point to its folder.
let packageDir = dirname(require.resolve(SOURCE));
while (!existsSync(join(packageDir, "package.json"))) packageDir = dirname(packageDir);
const manifest = JSON.parse(readFileSync(join(packageDir, "package.json"), "utf8"));
const license = readFileSync(join(packageDir, "LICENSE"), "utf8");
const today = new Date();
const day = today.toISOString().slice(0, 10);

/** The day the installed version was published, from the npm registry; "" when offline. */
function publishedOn(version) {
  try {
    const times = execFileSync("npm", ["view", `${SOURCE}@${version}`, "time", "--json"], {
      encoding: "utf8",
      timeout: 30_000,
      stdio: ["ignore", "pipe", "ignore"],
    });
    return String(JSON.parse(times)[version] ?? "").slice(0, 10);
  } catch {
    return "";
  }
}

/** The package's matching rule, compacted: see the format in the generated file's comment. */
function compactMatch(match) {
  if ("equals" in match) return match.equals.toLowerCase();
  if ("starts_with" in match) return { s: match.starts_with.toLowerCase() };
  if ("ends_with" in match) return { e: match.ends_with.toLowerCase() };
  if ("contains" in match) return { c: match.contains.toLowerCase() };
  // The package tests a regex against the id as given; llmux lower-cases ids first, so a regex
  // gets the `i` flag at run time to match the same ids.
  if ("regex" in match) return { r: match.regex };
  if ("or" in match) return match.or.map(compactMatch);
  if ("and" in match) return { a: match.and.map(compactMatch) };
  throw new Error(`unknown match rule ${JSON.stringify(match)}`);
}

/** The prices in effect today: the last entry whose start date has passed, no time-of-day ones. */
function currentPrices(prices) {
  if (!Array.isArray(prices)) return prices;
  for (let index = prices.length - 1; index >= 0; index--) {
    const { constraint, prices: entry } = prices[index];
    if (constraint === undefined) return entry;
    if (constraint.type === "start_date" && new Date(constraint.start_date) <= today) return entry;
  }
  return prices[0].prices;
}

/** A price per million tokens: a number, or the base of tiered prices; null when absent. */
function perMillion(value) {
  if (typeof value === "number") return value;
  if (typeof value === "object" && value !== null && typeof value.base === "number") {
    return value.base;
  }
  return null;
}

/**
 * Providers left out: no llmux model string reaches them, and they would add a sixth to the
 * catalog. Hugging Face's router is priced per inference partner (`huggingface_novita`, ...);
 * GitHub Copilot and Cursor sell subscriptions, not an API priced per token.
 */
const LEFT_OUT = /^(huggingface_|github-copilot$|cursor$)/;

const providers = await waitForUpdate();
if (!Array.isArray(providers)) throw new Error(`${SOURCE} gave no provider data`);
for (const provider of providers) {
  const missing = (provider.fallback_model_providers ?? []).filter((id) => LEFT_OUT.test(id));
  if (missing.length > 0) throw new Error(`${provider.id} falls back to ${missing}, left out`);
}

let modelCount = 0;
const lines = [];
for (const provider of providers) {
  if (LEFT_OUT.test(provider.id)) continue;
  const rows = [];
  for (const model of provider.models) {
    const prices = currentPrices(model.prices);
    const row = [
      compactMatch(model.match),
      model.context_window ?? null,
      perMillion(prices.input_mtok),
      perMillion(prices.output_mtok),
      perMillion(prices.cache_read_mtok),
      perMillion(prices.cache_write_mtok),
    ];
    while (row.length > 1 && row.at(-1) === null) row.pop();
    if (row.length === 1) continue;
    rows.push(JSON.stringify(row));
  }
  if (rows.length === 0) continue;
  modelCount += rows.length;
  const head = [
    provider.id,
    provider.model_match === undefined ? null : compactMatch(provider.model_match),
    provider.fallback_model_providers ?? null,
  ];
  lines.push(`${JSON.stringify(head).slice(0, -1)},[\n${rows.join(",\n")}\n]]`);
}

const json = `[\n${lines.join(",\n")}\n]`;
if (json.includes("`") || json.includes("${")) {
  throw new Error("the catalog holds a backtick or ${: it cannot be written as a template literal");
}
JSON.parse(json);

const version = manifest.version;
const published = publishedOn(version);
const sourceDate = published === "" ? "" : `, published ${published}`;
const licenseLines = license
  .trim()
  .split("\n")
  .map((line) => ` *${line === "" ? "" : ` ${line}`}`)
  .join("\n");
const text = `/*!
 * Model prices and context windows from ${SOURCE} ${version}
 * (${manifest.homepage ?? ""}), under its license:
 *
${licenseLines}
 */
/**
 * llmux's bundled model catalog, generated by scripts/build-model-catalog.mjs: do not edit.
 * Refresh it with \`npm run catalog\` after updating the dev dependency ${SOURCE}.
 *
 * Source: ${SOURCE} ${version}${sourceDate} (${manifest.license} license).
 * Prices in effect on ${day}.
 *
 * \`MODEL_CATALOG_JSON\` is JSON, parsed on the first lookup (a string costs next to nothing to
 * import; the parsed catalog is built only when a price or context window is asked for):
 * \`[[providerId, modelMatch, fallbackProviderIds, [model, ...]], ...]\`, where a model is
 * \`[match, contextWindow, input, output, cachedInput, cacheWrite]\` (prices in USD per million
 * tokens, null where unknown, trailing nulls left out). A match is a lower-case id (equal to),
 * an array (any of), \`{ s }\` (starts with), \`{ e }\` (ends with), \`{ c }\` (contains), \`{ r }\`
 * (a regular expression) or \`{ a: [...] }\` (all of). Within a provider, the first model whose
 * match holds is the one.
 */

/** Where the catalog comes from. */
export const MODEL_CATALOG_SOURCE = {
  name: "${SOURCE}",
  version: "${version}",
  published: "${published}",
  generated: "${day}",
  license: "${manifest.license}",
} as const;

/** ${lines.length} providers' ${modelCount} models, as JSON (see the format above). */
export const MODEL_CATALOG_JSON = String.raw\`${json}\`;
`;
mkdirSync(dirname(output), { recursive: true });
writeFileSync(output, text);
console.log(
  `wrote ${output}: ${lines.length} providers, ${modelCount} models, ${Buffer.byteLength(text)} bytes, from ${SOURCE} ${version}${sourceDate}`,
);
