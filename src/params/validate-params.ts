/**
 * Checks a call's parameters: by `quickCheck()` when it is sure, else through the call's strict
 * schema (zod, loaded then), turning what zod finds into one `BadRequestError` whose message names
 * every offending field by path and says the fix.
 */
import type { z } from "zod";
import { BadRequestError, type ValidationIssue } from "../errors/errors.js";
import { loadSchemas } from "./load-schemas.js";
import { quickCheck } from "./quick-check.js";
import type { CallName } from "./schemas.js";

/** Known near misses that a spelling rule below would not find. */
const ALIASES: Record<string, string> = {
  api_key: "apiKey",
  api_base: "apiBase",
  drop_params: "dropParams",
  base_url: "apiBase",
  baseURL: "apiBase",
  baseUrl: "apiBase",
  num_retries: "maxRetries",
  retries: "maxRetries",
  request_timeout: "timeout",
  headers: "extraHeaders",
  extra_headers: "extraHeaders",
  extra_body: "extraBody",
  mock_response: "mockResponse",
  abortSignal: "signal",
  system: 'messages (as { role: "system", content })',
  prompt: 'messages (as [{ role: "user", content: prompt }])',
};

const normalize = (key: string) => key.replace(/[_-]/g, "").toLowerCase();

/** Levenshtein distance, bounded: returns `limit + 1` as soon as it is exceeded. */
function editDistance(a: string, b: string, limit: number): number {
  if (Math.abs(a.length - b.length) > limit) return limit + 1;
  let previous = Array.from({ length: b.length + 1 }, (_, index) => index);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    let rowMin = i;
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      const value = Math.min(
        (previous[j] as number) + 1,
        (current[j - 1] as number) + 1,
        (previous[j - 1] as number) + cost,
      );
      current.push(value);
      rowMin = Math.min(rowMin, value);
    }
    if (rowMin > limit) return limit + 1;
    previous = current;
  }
  return previous[b.length] as number;
}

/** The known key an unknown one was probably meant to be, if any. */
export function suggestKey(unknown: string, known: readonly string[]): string | undefined {
  const alias = ALIASES[unknown];
  if (alias !== undefined) return alias;
  const normalized = normalize(unknown);
  const sameLetters = known.find((key) => normalize(key) === normalized);
  if (sameLetters !== undefined) return sameLetters;
  let best: string | undefined;
  let bestDistance = 3;
  for (const key of known) {
    const distance = editDistance(normalized, normalize(key), 2);
    if (distance < bestDistance) {
      best = key;
      bestDistance = distance;
    }
  }
  return best;
}

/** `["messages", 0, "role"]` -> `messages[0].role`. */
function formatPath(path: readonly PropertyKey[]): string {
  let text = "";
  for (const part of path) {
    if (typeof part === "number") text += `[${part}]`;
    else text += text === "" ? String(part) : `.${String(part)}`;
  }
  return text;
}

/** The value the caller passed at `path`, for messages that say what was given. */
function valueAt(root: unknown, path: readonly PropertyKey[]): unknown {
  let value = root;
  for (const part of path) {
    if (value === null || typeof value !== "object") return undefined;
    value = (value as Record<PropertyKey, unknown>)[part];
  }
  return value;
}

function describeIssue(
  issue: z.core.$ZodIssue,
  root: unknown,
  knownKeys: readonly string[],
  prefix: readonly PropertyKey[] = [],
): ValidationIssue[] {
  const fullPath = [...prefix, ...issue.path];
  const path = formatPath(fullPath);
  const input = valueAt(root, fullPath);
  switch (issue.code) {
    case "unrecognized_keys":
      return issue.keys.map((key) => {
        const atTop = fullPath.length === 0;
        const suggestion = atTop ? suggestKey(key, knownKeys) : undefined;
        const hint =
          suggestion !== undefined
            ? ` Did you mean \`${suggestion}\`?`
            : atTop
              ? " Send a parameter llmux does not list through `extraBody`."
              : "";
        return {
          path: formatPath([...fullPath, key]),
          message: `is not a known parameter.${hint}`,
        };
      });
    case "invalid_union": {
      const discriminator = (issue as { discriminator?: string }).discriminator;
      const options = (issue as { options?: unknown[] }).options;
      if (discriminator !== undefined && options !== undefined) {
        const expected = options.map((option) => JSON.stringify(option)).join(", ");
        const given = input === undefined ? "is required: it" : `is ${JSON.stringify(input)}; it`;
        return [{ path, message: `${given} must be one of ${expected}` }];
      }
      return describeUnion(issue, root, knownKeys, fullPath, input);
    }
    case "invalid_type": {
      const expected = expectedType(issue.expected, input);
      if (input === undefined) return [{ path, message: `is required (${expected})` }];
      const numeric = issue.expected === "number" || issue.expected === "int";
      const given = numeric ? describeValue(input) : typeName(input);
      return [{ path, message: `must be ${expected}, not ${given}` }];
    }
    case "too_big":
    case "too_small":
      if (issue.origin === "number") {
        const limit = issue.code === "too_big" ? issue.maximum : issue.minimum;
        const words =
          issue.code === "too_big"
            ? issue.inclusive
              ? "at most"
              : "below"
            : issue.inclusive
              ? "at least"
              : "above";
        return [{ path, message: `must be ${words} ${String(limit)}, not ${String(input)}` }];
      }
      return [{ path, message: lowerFirst(issue.message) }];
    case "custom": {
      // The schema's message states the rule ("must be a whole number from 0"); add what was given.
      const rule = lowerFirst(issue.message);
      if (input === undefined) return [{ path, message: rule }];
      return [{ path, message: `${rule}, not ${describeValue(input)}` }];
    }
    default:
      return [{ path, message: lowerFirst(issue.message) }];
  }
}

/**
 * For a union of shapes (`content`: a string or parts), says which types fit when none of the
 * branches got past the type, else describes the branch that got furthest.
 */
function describeUnion(
  issue: z.core.$ZodIssueInvalidUnion,
  root: unknown,
  knownKeys: readonly string[],
  fullPath: readonly PropertyKey[],
  input: unknown,
): ValidationIssue[] {
  const path = formatPath(fullPath);
  const typeOnly = (branch: z.core.$ZodIssue[]) =>
    branch.length === 1 && branch[0]?.code === "invalid_type" && branch[0].path.length === 0;
  const deeper = issue.errors.filter((branch) => !typeOnly(branch));
  if (deeper.length === 0) {
    const types = issue.errors.map((branch) =>
      article((branch[0] as { expected: string }).expected),
    );
    const expected = [...new Set(types)].join(" or ");
    if (input === undefined) return [{ path, message: `is required (${expected})` }];
    return [{ path, message: `must be ${expected}, not ${typeName(input)}` }];
  }
  const best = deeper.reduce((a, b) => (maxDepth(b) > maxDepth(a) ? b : a));
  return best.flatMap((inner) => describeIssue(inner, root, knownKeys, fullPath));
}

function maxDepth(branch: z.core.$ZodIssue[]): number {
  return Math.max(...branch.map((inner) => inner.path.length));
}

function article(type: string): string {
  return /^[aeiou]/i.test(type) ? `an ${type}` : `a ${type}`;
}

/** What an `invalid_type` issue expected, in words. */
function expectedType(expected: string, input: unknown): string {
  if (expected === "int") return "a whole number";
  // zod reports NaN and Infinity as "expected number"; they are numbers, just not finite ones.
  if (expected === "number" && typeof input === "number") return "a finite number";
  return article(expected);
}

function typeName(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  if (value === undefined) return "undefined";
  // JSON.stringify would write NaN and Infinity as null, and throws on a BigInt.
  if (typeof value === "number" && !Number.isFinite(value)) return String(value);
  if (typeof value === "bigint") return `a BigInt (${value}n)`;
  const type = typeof value;
  return type === "object" ? "an object" : `${article(type)} (${JSON.stringify(value)})`;
}

/** A value for "must be ..., not <value>": a number as it is (`-1`, `NaN`), else its type. */
function describeValue(value: unknown): string {
  return typeof value === "number" ? String(value) : typeName(value);
}

function lowerFirst(text: string): string {
  return text.charAt(0).toLowerCase() + text.slice(1);
}

/** Per schema: each key's own schema, and the keys that must be present. */
interface ShapeIndex {
  keys: Map<string, z.ZodType>;
  required: string[];
}
const shapeIndexes = new WeakMap<z.ZodObject, ShapeIndex>();

function shapeIndexOf(schema: z.ZodObject): ShapeIndex {
  let index = shapeIndexes.get(schema);
  if (index === undefined) {
    const keys = new Map(Object.entries(schema.shape) as [string, z.ZodType][]);
    const required = [...keys].filter(([, keySchema]) => !keySchema.safeParse(undefined).success);
    index = { keys, required: required.map(([key]) => key) };
    shapeIndexes.set(schema, index);
  }
  return index;
}

/**
 * Whether `params` passes `schema` (a strict object): only the keys the caller gave are parsed,
 * each by its own schema. The same verdict as `schema.safeParse`, at a fraction of the cost for
 * a schema of ~45 optional keys of which a call gives a handful (measured ~70 us a call in the
 * benchmark). On a failure, the full parse runs to report every issue.
 */
function passes(schema: z.ZodObject, params: Record<string, unknown>): boolean {
  const index = shapeIndexOf(schema);
  for (const key of index.required) {
    if (params[key] === undefined) return false;
  }
  for (const key in params) {
    if (!Object.hasOwn(params, key)) continue;
    const keySchema = index.keys.get(key);
    if (keySchema === undefined) return false;
    const value = params[key];
    if (value !== undefined && !keySchema.safeParse(value).success) return false;
  }
  return true;
}

/**
 * Checks `params` for `callName()`, or rejects with a `BadRequestError` naming each field and the
 * fix. Parameters the quick check is sure of cost no zod (nor its import: ~45 ms of a cold start,
 * see `load-zod.ts`); the others go through the schema, with the same verdict and messages.
 */
export async function validateParams(callName: CallName, params: unknown): Promise<void> {
  if (!isParamsObject(params)) {
    throw new BadRequestError(
      `llmux: ${callName}() takes one object of parameters, got ${typeName(params)}.`,
      { issues: [{ path: "", message: "must be an object" }] },
    );
  }
  if (quickCheck(callName, params)) return;
  const { paramsSchemas } = await loadSchemas();
  validateWithSchema(paramsSchemas[callName], params, callName);
}

const isParamsObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value);

/** Checks `params` against `schema`, or throws a `BadRequestError` naming each field and the fix. */
function validateWithSchema(
  schema: z.ZodObject,
  params: Record<string, unknown>,
  callName: string,
): void {
  if (passes(schema, params)) return;
  const result = schema.safeParse(params);
  if (result.success) return;
  const knownKeys = Object.keys(schema.shape);
  const issues = result.error.issues.flatMap((issue) => describeIssue(issue, params, knownKeys));
  const model = params.model;
  const subject = typeof model === "string" && model !== "" ? ` for ${model}` : "";
  const lines = issues.map(
    (issue) => `${issue.path === "" ? "(parameters)" : issue.path} ${issue.message}`,
  );
  throw new BadRequestError(
    `llmux: invalid ${callName}() parameters${subject}: ${lines.join("; ")}`,
    { issues },
  );
}
