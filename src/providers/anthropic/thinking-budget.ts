/**
 * `reasoning_effort` as an extended-thinking budget: Anthropic takes a number of tokens
 * (`thinking: { type: "enabled", budget_tokens }`, at least 1024), OpenAI a word.
 */
import { createRequestError, type RequestContext } from "../shared/create-request-error.js";

/**
 * The thinking budget, in tokens, of each `reasoning_effort` (LiteLLM's budgets for low, medium
 * and high). `minimal` gets Anthropic's smallest budget; `none` turns thinking off.
 */
const THINKING_BUDGETS: Readonly<Record<string, number>> = {
  minimal: 1024,
  low: 1024,
  medium: 2048,
  high: 4096,
  xhigh: 8192,
};

/**
 * The thinking budget for `effort`; undefined for no thinking (`none`, or no effort given).
 * @throws {BadRequestError} for an effort with no budget.
 */
export function thinkingBudget(effort: unknown, context: RequestContext): number | undefined {
  if (effort === undefined || effort === null || effort === "none") return undefined;
  const budget = typeof effort === "string" ? THINKING_BUDGETS[effort] : undefined;
  if (budget !== undefined) return budget;
  throw createRequestError(
    context,
    "reasoning_effort",
    `is ${JSON.stringify(effort)}, which has no thinking budget`,
    `Give one of none, ${Object.keys(THINKING_BUDGETS).join(", ")}, or send Anthropic's own \`thinking: { type: "enabled", budget_tokens }\` through \`extraBody\`.`,
  );
}
