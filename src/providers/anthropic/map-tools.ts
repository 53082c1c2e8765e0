/**
 * OpenAI's `tools`, `tool_choice` and `parallel_tool_calls` as Anthropic's `tools` and
 * `tool_choice`.
 */

import { isRecord } from "../../json-guards.js";
import { createRequestError, type RequestContext } from "../shared/create-request-error.js";

/** A function without `parameters` takes no arguments; Anthropic still wants an object schema. */
const NO_PARAMETERS = { type: "object", properties: {} };

/** `tool_choice` objects already in Anthropic's shape, sent as they are. */
const ANTHROPIC_CHOICES = new Set(["auto", "any", "tool", "none"]);

/**
 * Maps each function tool to `{ name, description, input_schema }` (its `cache_control` kept; a
 * `strict` flag has no Anthropic equivalent and is not sent). A tool of another `type` is taken
 * to be one of Anthropic's own (`web_search_20250305`, `bash_20250124`, ...) and sent as it is.
 * Undefined for no tools.
 */
export function mapTools(tools: unknown, context: RequestContext): unknown[] | undefined {
  if (!Array.isArray(tools) || tools.length === 0) return undefined;
  return tools.map((tool: unknown, index) => {
    if (!isRecord(tool) || tool.type !== "function") return tool;
    const definition = tool.function;
    if (!isRecord(definition) || typeof definition.name !== "string") {
      throw createRequestError(
        context,
        `tools[${index}].function`,
        "has no name",
        'Give `{ type: "function", function: { name, description, parameters } }`.',
      );
    }
    const mapped: Record<string, unknown> = {
      name: definition.name,
      input_schema: isRecord(definition.parameters) ? definition.parameters : NO_PARAMETERS,
    };
    if (typeof definition.description === "string") mapped.description = definition.description;
    if (tool.cache_control !== undefined) mapped.cache_control = tool.cache_control;
    return mapped;
  });
}

/**
 * Maps `tool_choice` (`auto`, `none`, `required` -> `any`, a named function -> `tool`) and
 * `parallel_tool_calls: false` (-> `disable_parallel_tool_use`). Undefined when nothing is to be
 * sent: no choice given, or `auto`/`none` without tools (where they mean nothing).
 */
export function mapToolChoice(
  toolChoice: unknown,
  parallelToolCalls: unknown,
  hasTools: boolean,
  context: RequestContext,
): Record<string, unknown> | undefined {
  let mapped: Record<string, unknown> | undefined;
  if (toolChoice === undefined || toolChoice === null) {
    mapped = hasTools && parallelToolCalls === false ? { type: "auto" } : undefined;
  } else if (toolChoice === "auto" || toolChoice === "none") {
    mapped = hasTools ? { type: toolChoice } : undefined;
  } else if (toolChoice === "required") {
    mapped = { type: "any" };
  } else if (isRecord(toolChoice) && toolChoice.type === "function") {
    const name = isRecord(toolChoice.function) ? toolChoice.function.name : undefined;
    if (typeof name !== "string") {
      throw createRequestError(
        context,
        "tool_choice.function.name",
        "is missing",
        'Give `{ type: "function", function: { name } }`.',
      );
    }
    mapped = { type: "tool", name };
  } else if (isRecord(toolChoice) && ANTHROPIC_CHOICES.has(String(toolChoice.type))) {
    mapped = { ...toolChoice };
  } else {
    throw createRequestError(
      context,
      "tool_choice",
      `is ${JSON.stringify(toolChoice)}, which Anthropic has no equivalent of`,
      'Give "auto", "none", "required" or `{ type: "function", function: { name } }`.',
    );
  }
  // Anthropic's `none` takes no other field: no tool call at all, parallel or not.
  if (mapped !== undefined && parallelToolCalls === false && mapped.type !== "none") {
    mapped.disable_parallel_tool_use = true;
  }
  return mapped;
}
