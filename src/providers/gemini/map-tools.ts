/**
 * OpenAI's `tools` and `tool_choice` as Gemini's `tools` (`functionDeclarations`) and
 * `toolConfig.functionCallingConfig`.
 */

import { isRecord, stringOf } from "../../json-guards.js";
import { createRequestError, type RequestContext } from "../shared/create-request-error.js";

/** Gemini's `tools` and `toolConfig`, each undefined when there is nothing to send. */
export interface GeminiTools {
  tools: Record<string, unknown>[] | undefined;
  toolConfig: Record<string, unknown> | undefined;
}

/**
 * Maps the tools: each function tool becomes a declaration `{ name, description,
 * parametersJsonSchema }`. The parameters go as JSON Schema, unchanged: Gemini's `parameters`
 * field takes only an OpenAPI subset and rejects the `additionalProperties`, `$schema` and
 * `$defs` that OpenAI tool schemas (strict ones in particular) carry, while `parametersJsonSchema`
 * takes them. An entry without `type` (only possible through `extraBody`, such as
 * `{ googleSearch: {} }`) is one of Gemini's own tools and is sent as it is.
 */
export function mapTools(
  tools: unknown,
  toolChoice: unknown,
  context: RequestContext,
): GeminiTools {
  return {
    tools: Array.isArray(tools) ? mapToolList(tools, context) : undefined,
    toolConfig: toolChoice === undefined ? undefined : mapToolChoice(toolChoice, context),
  };
}

function mapToolList(
  tools: readonly unknown[],
  context: RequestContext,
): Record<string, unknown>[] | undefined {
  const declarations: Record<string, unknown>[] = [];
  const native: Record<string, unknown>[] = [];
  for (let index = 0; index < tools.length; index++) {
    const tool: unknown = tools[index];
    const path = `tools[${index}]`;
    if (isRecord(tool) && tool.type === undefined) {
      native.push(tool);
      continue;
    }
    const fn = isRecord(tool) && tool.type === "function" ? tool.function : undefined;
    const name = isRecord(fn) ? stringOf(fn.name) : undefined;
    if (!isRecord(fn) || name === undefined) {
      const type = isRecord(tool) ? String(tool.type) : typeof tool;
      throw createRequestError(
        context,
        `${path}.type`,
        `"${type}" is not a tool the ${context.provider}/ provider can declare`,
        'Give function tools: `{ type: "function", function: { name, description, parameters } }`.',
      );
    }
    const declaration: Record<string, unknown> = { name };
    const description = stringOf(fn.description);
    if (description !== undefined) declaration.description = description;
    if (isRecord(fn.parameters)) declaration.parametersJsonSchema = fn.parameters;
    declarations.push(declaration);
  }
  if (declarations.length === 0) return native.length === 0 ? undefined : native;
  return [{ functionDeclarations: declarations }, ...native];
}

/** `auto` -> AUTO, `none` -> NONE, `required` -> ANY, a named function -> ANY limited to it. */
function mapToolChoice(choice: unknown, context: RequestContext): Record<string, unknown> {
  switch (choice) {
    case "auto":
      return { functionCallingConfig: { mode: "AUTO" } };
    case "none":
      return { functionCallingConfig: { mode: "NONE" } };
    case "required":
      return { functionCallingConfig: { mode: "ANY" } };
  }
  const fn = isRecord(choice) && choice.type === "function" ? choice.function : undefined;
  const name = isRecord(fn) ? stringOf(fn.name) : undefined;
  if (name === undefined) {
    throw createRequestError(
      context,
      "tool_choice",
      "is not a choice Gemini can make",
      'Use "auto", "none", "required" or `{ type: "function", function: { name } }`.',
    );
  }
  return { functionCallingConfig: { mode: "ANY", allowedFunctionNames: [name] } };
}
