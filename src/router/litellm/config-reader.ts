/**
 * Reading a LiteLLM config: `os.environ/NAME` values, numbers given as strings, and every problem
 * collected with its LiteLLM path, so that all of them are reported at once.
 */
import type { ValidationIssue } from "../../errors/errors.js";
import { isRecord } from "../../json-guards.js";

export type Env = Record<string, string | undefined>;

/** Where a value came from `os.environ/NAME` and NAME was not set: already reported. */
export const MISSING = Symbol("missing");

/** The state of one conversion: the environment, and the problems found so far. */
export interface Reader {
  readonly env: Env;
  /** The config's `environment_variables`, only to explain a missing variable. */
  readonly configEnvironment: Record<string, unknown>;
  readonly issues: ValidationIssue[];
}

/** `record[key]` with its path, `os.environ/` values resolved. */
export function at(record: Record<string, unknown>, path: string, key: string, reader: Reader) {
  return { value: resolve(record[key], `${path}.${key}`, reader), path: `${path}.${key}` };
}

/** Records a problem at `path`; everything found is reported together. */
export function issue(reader: Reader, path: string, message: string): void {
  reader.issues.push({ path, message });
}

/** A top-level section as a record (absent is empty). */
export function section(config: Record<string, unknown>, key: string, reader: Reader) {
  const value = config[key];
  if (value === undefined || value === null) return {};
  if (isRecord(value)) return value;
  issue(reader, key, "must be a map of settings");
  return {};
}

/**
 * `value` with every `os.environ/NAME` string replaced by `env[NAME]` (LiteLLM's `get_secret`),
 * or {@link MISSING} when one is not set.
 */
export function resolve(value: unknown, path: string, reader: Reader): unknown {
  if (typeof value === "string" && value.startsWith("os.environ/")) {
    const name = value.slice("os.environ/".length);
    const found = reader.env[name];
    if (found !== undefined && found !== "") return found;
    const inConfig = Object.hasOwn(reader.configEnvironment, name)
      ? " (the config's environment_variables sets it, but llmux does not read that section)"
      : "";
    issue(
      reader,
      path,
      `reads the environment variable ${name}, which is not set${inConfig}; set it, or pass it in the \`env\` argument of Router.fromLiteLLMConfig(config, env)`,
    );
    return MISSING;
  }
  if (Array.isArray(value)) {
    const items = value.map((item, index) => resolve(item, `${path}[${index}]`, reader));
    return items.includes(MISSING) ? MISSING : items;
  }
  if (isRecord(value)) {
    const entries = Object.entries(value).map(([key, item]) => [
      key,
      resolve(item, `${path}.${key}`, reader),
    ]);
    return entries.some(([, item]) => item === MISSING) ? MISSING : Object.fromEntries(entries);
  }
  return value;
}

export const toMs = (seconds: number) => Math.max(1, Math.round(seconds * 1000));

/**
 * A number, also from a numeric string (what `os.environ/NAME` gives); `undefined` when absent
 * or invalid (then reported).
 */
export function readNumber(
  { value, path }: { value: unknown; path: string },
  rule: "positive" | "whole" | "from zero",
  reader: Reader,
): number | undefined {
  if (value === undefined || value === null || value === MISSING) return undefined;
  const number = typeof value === "string" && value.trim() !== "" ? Number(value) : value;
  const valid =
    typeof number === "number" &&
    Number.isFinite(number) &&
    (rule === "positive" ? number > 0 : number >= 0) &&
    (rule !== "whole" || Number.isSafeInteger(number));
  if (valid) return number;
  const wanted = {
    positive: "a positive number",
    whole: "a whole number from 0",
    "from zero": "a number from 0",
  }[rule];
  issue(reader, path, `must be ${wanted}, not ${JSON.stringify(value)}`);
  return undefined;
}
