/**
 * OpenAI's `reasoning_effort` as Gemini's `thinkingConfig`. Gemini 3 and later take a thinking
 * level (`thinkingLevel`); earlier models a token budget (`thinkingBudget`), the budgets LiteLLM
 * uses. Any effort but `none` also asks for the thoughts (`includeThoughts`), which come back as
 * `reasoning_content`: asking for reasoning and getting none back would surprise.
 */
import { createRequestError, type RequestContext } from "../shared/create-request-error.js";

/** Effort -> `thinkingBudget` tokens, for Gemini 2.x. `none` turns thinking off where it can be. */
const BUDGETS: ReadonlyMap<string, number> = new Map([
  ["none", 0],
  ["minimal", 512],
  ["low", 1024],
  ["medium", 2048],
  ["high", 4096],
  ["xhigh", 8192],
]);

/**
 * Effort -> `thinkingLevel`, for Gemini 3 and later, which cannot turn thinking off: `none` asks
 * for the least there is (`minimal`; a model without it answers a 400 saying so).
 */
const LEVELS: ReadonlyMap<string, string> = new Map([
  ["none", "minimal"],
  ["minimal", "minimal"],
  ["low", "low"],
  ["medium", "medium"],
  ["high", "high"],
  ["xhigh", "high"],
]);

/** `gemini-3-pro-preview` -> 3, `models/gemini-2.5-flash` -> 2; other names -> undefined. */
const GEMINI_MAJOR = /(?:^|\/)gemini-(\d+)/;

/** Maps a `reasoning_effort` for `context.model`. */
export function mapReasoningEffort(
  effort: string,
  context: RequestContext,
): Record<string, unknown> {
  const includeThoughts = effort !== "none";
  const major = Number(GEMINI_MAJOR.exec(context.model)?.[1] ?? 0);
  const level = LEVELS.get(effort);
  const budget = BUDGETS.get(effort);
  if (level === undefined || budget === undefined) {
    throw createRequestError(
      context,
      "reasoning_effort",
      `"${effort}" is not an effort the ${context.provider}/ provider knows`,
      `Use one of ${[...BUDGETS.keys()].join(", ")}, or send \`generationConfig.thinkingConfig\` through \`extraBody\`.`,
    );
  }
  return major >= 3
    ? { thinkingLevel: level, includeThoughts }
    : { thinkingBudget: budget, includeThoughts };
}
