/** `litellm_settings.max_budget` and `budget_duration` of a LiteLLM config as the Router's budget. */
import { parseBudgetDuration } from "../resolve-router-options.js";
import type { RouterOptions } from "../router-options.js";
import { at, issue, MISSING, type Reader, readNumber } from "./config-reader.js";

/**
 * `litellm_settings.max_budget` (USD) and `budget_duration` -> `maxBudget`, `budgetDuration`.
 * LiteLLM's budget without a duration never resets, where llmux's resets every day by default:
 * `max_budget` alone is an error asking for the window, so that the budget means what it says.
 */
export function readBudget(
  litellmSettings: Record<string, unknown>,
  options: RouterOptions,
  reader: Reader,
): void {
  const budget = at(litellmSettings, "litellm_settings", "max_budget", reader);
  const maxBudget = readNumber(budget, "positive", reader);
  const duration = at(litellmSettings, "litellm_settings", "budget_duration", reader);
  const given =
    duration.value !== undefined && duration.value !== null && duration.value !== MISSING;
  if (given && parseBudgetDuration(duration.value) === undefined) {
    issue(
      reader,
      duration.path,
      `must be a whole number and s, m, h or d ("30s", "1h", "30d"), not ${JSON.stringify(duration.value)}`,
    );
    return;
  }
  if (maxBudget === undefined) {
    const absent = budget.value === undefined || budget.value === null || budget.value === MISSING;
    if (given && absent)
      issue(
        reader,
        duration.path,
        "is given without litellm_settings.max_budget; add it or remove this",
      );
    return;
  }
  if (!given) {
    issue(
      reader,
      budget.path,
      "is given without litellm_settings.budget_duration: LiteLLM's budget then never resets, llmux's resets every budgetDuration; add budget_duration (\"30d\", say)",
    );
    return;
  }
  options.maxBudget = maxBudget;
  options.budgetDuration = duration.value as string;
}
