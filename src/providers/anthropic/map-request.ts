/**
 * A call's body in OpenAI's shape as the body of Anthropic's `POST /v1/messages`.
 *
 * | OpenAI | Anthropic |
 * |---|---|
 * | `messages` | `system` and `messages` (see `map-messages.ts`) |
 * | `max_completion_tokens`, else `max_tokens` | `max_tokens`, 4096 when neither is given |
 * | `reasoning_effort` | `thinking: { type: "enabled", budget_tokens }` (see `thinking-budget.ts`) |
 * | `stop` | `stop_sequences` |
 * | `temperature`, `top_p` | the same (Anthropic's temperature goes up to 1, not 2) |
 * | `tools`, `tool_choice`, `parallel_tool_calls` | `tools`, `tool_choice` (see `map-tools.ts`) |
 * | `response_format` | one more tool, which the model is made to call (see `response-tool.ts`) |
 * | `user` | `metadata.user_id` |
 * | `stream` | the same; `stream_options` is never sent |
 * | `n` | only 1 |
 * | any other key (from `extraBody`) | sent as it is, last, so it wins |
 */
import { createRequestError, type RequestContext } from "../shared/create-request-error.js";
import { mapMessages } from "./map-messages.js";
import { mapToolChoice, mapTools } from "./map-tools.js";
import { mapResponseFormat } from "./response-tool.js";
import { thinkingBudget } from "./thinking-budget.js";

/** `max_tokens` when the call gives none: Anthropic requires one. */
const DEFAULT_MAX_TOKENS = 4096;

/**
 * The wire parameters a chat call may give (besides `messages` and `stream`): the ones
 * translated here. The adapter refuses any other before a request; Anthropic's own parameters
 * (`top_k`, `thinking`, ...) go through `extraBody`. `stream_options` is read by llmux (it
 * decides the usage chunk) and never sent.
 */
export const CHAT_PARAMS: ReadonlySet<string> = new Set([
  "temperature",
  "top_p",
  "n",
  "stop",
  "max_tokens",
  "max_completion_tokens",
  "user",
  "tools",
  "tool_choice",
  "parallel_tool_calls",
  "reasoning_effort",
  "response_format",
  "stream_options",
]);

/** The keys translated here; every other key of the body came from `extraBody` and is sent. */
const TRANSLATED: ReadonlySet<string> = new Set(["model", "messages", "stream", ...CHAT_PARAMS]);

/**
 * Maps the body. With thinking on, `max_tokens` counts the thinking too and must exceed the
 * budget: when it does not, the budget is added to it, so that the answer keeps the room asked for.
 * @throws {BadRequestError} for what the Messages API cannot express, before any request.
 */
export function mapRequest(
  body: Record<string, unknown>,
  context: RequestContext,
): Record<string, unknown> {
  const { system, messages } = mapMessages(body.messages, context);
  const mapped: Record<string, unknown> = { model: body.model };
  if (system !== undefined) mapped.system = system;
  mapped.messages = messages;

  if (body.n !== undefined && body.n !== null && body.n !== 1) {
    throw createRequestError(
      context,
      "n",
      `is ${JSON.stringify(body.n)}: Anthropic gives one answer per request`,
      "Leave `n` out and make one call per answer.",
    );
  }
  let maxTokens = positiveNumber(body.max_completion_tokens) ?? positiveNumber(body.max_tokens);
  maxTokens ??= DEFAULT_MAX_TOKENS;
  const budget = thinkingBudget(body.reasoning_effort, context);
  if (budget !== undefined) {
    mapped.thinking = { type: "enabled", budget_tokens: budget };
    if (maxTokens <= budget) maxTokens += budget;
  }
  mapped.max_tokens = maxTokens;

  const stop = body.stop;
  if (typeof stop === "string") mapped.stop_sequences = [stop];
  else if (Array.isArray(stop) && stop.length > 0) mapped.stop_sequences = stop;
  if (body.temperature !== undefined) mapped.temperature = body.temperature;
  if (body.top_p !== undefined) mapped.top_p = body.top_p;

  let tools = mapTools(body.tools, context);
  const answerTool = mapResponseFormat(body, tools !== undefined, budget !== undefined, context);
  if (answerTool !== undefined) tools = [...(tools ?? []), answerTool.tool];
  if (tools !== undefined) mapped.tools = tools;
  const toolChoice = mapToolChoice(
    answerTool?.toolChoice ?? body.tool_choice,
    body.parallel_tool_calls,
    tools !== undefined,
    context,
  );
  if (toolChoice !== undefined) mapped.tool_choice = toolChoice;

  if (typeof body.user === "string") mapped.metadata = { user_id: body.user };
  if (body.stream === true) mapped.stream = true;

  for (const key in body) {
    if (!TRANSLATED.has(key) && body[key] !== undefined) mapped[key] = body[key];
  }
  return mapped;
}

function positiveNumber(value: unknown): number | undefined {
  return typeof value === "number" && value > 0 ? value : undefined;
}
