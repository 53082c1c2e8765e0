/**
 * Parses a structured answer: the text as JSON, `null`s of omitted keys restored, then zod. One
 * `OutputParseError` for each way it can fail, saying which.
 */
import type * as Zod from "zod";
import { OutputParseError } from "../errors/errors.js";
import { restoreOmitted } from "./restore-omitted.js";
import type { SchemaRuntime } from "./schema-runtime.js";

/** Where the text came from, for the error's message and fields. */
export interface OutputSource {
  /** `the answer`, `the arguments of tool call call_1 (weather)`. */
  what: string;
  provider?: string | undefined;
  model?: string | undefined;
  finishReason?: string | null | undefined;
}

/**
 * `text` parsed as JSON and validated by `schema`: zod's output.
 *
 * @throws {OutputParseError} when it was cut by `max_tokens` (`finish_reason: "length"`), is
 * not JSON, or when zod rejects it.
 */
export function parseOutput(
  text: string,
  schema: Zod.core.$ZodType,
  runtime: SchemaRuntime,
  source: OutputSource,
): unknown {
  const { what, provider, model, finishReason } = source;
  const by = provider === undefined ? "" : ` of ${provider}/${model ?? ""}`;
  const details = { text, provider, model, finishReason };
  // Cut text is no answer, even where what came happens to parse (a shorter array, a tool input
  // that a native provider sent as an object): as openai-node's LengthFinishReasonError.
  if (finishReason === "length") {
    throw new OutputParseError(
      `llmux: ${what}${by} was cut by max_tokens before its end (finish_reason "length"); raise max_tokens (or max_completion_tokens), or ask for less.`,
      details,
    );
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new OutputParseError(`llmux: ${what}${by} is not JSON (${reason}).`, {
      ...details,
      cause: error,
    });
  }
  const result = runtime.safeParse(schema, restoreOmitted(schema, json, runtime));
  if (result.success) return result.data;
  const issues = result.error.issues;
  const lines = issues.map((issue) => {
    const path = issue.path.map(String).join(".");
    return path === "" ? issue.message : `${path}: ${issue.message}`;
  });
  throw new OutputParseError(
    `llmux: ${what}${by} does not match the schema: ${lines.join("; ")}.`,
    { ...details, issues, cause: result.error },
  );
}
