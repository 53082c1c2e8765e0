/**
 * OpenAI's `response_format` through Anthropic's Messages API, which has no such parameter: the
 * schema becomes the input schema of one more tool, the model is made to call it, and its call's
 * input comes back as the answer's `content` (the JSON text), as LiteLLM does.
 *
 * | `response_format` | request |
 * |---|---|
 * | `json_schema` | a tool `json_tool_call` with the schema as its `input_schema` |
 * | `json_object` | the same tool, taking any object |
 * | `text` (or none) | nothing |
 *
 * Without tools of the call's own, `tool_choice` forces that tool; with them, it is `any` (the
 * model calls one of its tools, or answers through this one), so a tool loop can end in a
 * typed answer. Either way with `disable_parallel_tool_use`: one tool call a turn, so that an
 * answer never comes beside a call whose result it has not seen (nor two answers). Anthropic
 * forbids forcing a tool with thinking on, and a `tool_choice` of the call's own (but `auto`)
 * or `parallel_tool_calls: true` would contradict the forcing: each is a `BadRequestError`
 * before any request.
 */

import { isRecord } from "../../json-guards.js";
import { createRequestError, type RequestContext } from "../shared/create-request-error.js";

/** The tool that carries the answer: LiteLLM's name for it, so logs read the same. */
export const RESPONSE_TOOL = "json_tool_call";

/** What the request adds for a `response_format`. */
export interface ResponseToolRequest {
  /** The tool, in Anthropic's shape. */
  tool: Record<string, unknown>;
  /** Forces it, or (with tools of the call's own) any tool. */
  toolChoice: Record<string, unknown>;
}

/**
 * The answer tool's name when the call asks for `json_schema` or `json_object` output (then the
 * tool's call is the answer); undefined otherwise. Read by the request, response and stream
 * mappings alike.
 */
export function responseToolOf(request: Readonly<Record<string, unknown>> | undefined) {
  const format = request?.response_format;
  if (!isRecord(format)) return undefined;
  return format.type === "json_schema" || format.type === "json_object" ? RESPONSE_TOOL : undefined;
}

/**
 * The tool and tool choice for the call's `response_format`; undefined when it asks for no JSON.
 * @throws {BadRequestError} for a format Anthropic cannot give, or one it cannot force.
 */
export function mapResponseFormat(
  body: Record<string, unknown>,
  hasTools: boolean,
  /** Whether `reasoning_effort` asked for a thinking budget. */
  thinks: boolean,
  context: RequestContext,
): ResponseToolRequest | undefined {
  const format = body.response_format;
  if (format === undefined || format === null) return undefined;
  if (!isRecord(format) || !["json_schema", "json_object", "text"].includes(String(format.type))) {
    throw createRequestError(
      context,
      "response_format",
      `is ${JSON.stringify(format)}, which Anthropic has no equivalent of`,
      'Give `{ type: "json_schema", json_schema: { name, schema } }`, `{ type: "json_object" }`, or a zod schema as `responseFormat`.',
    );
  }
  if (format.type === "text") return undefined;
  const schema = format.type === "json_schema" ? schemaOf(format.json_schema, context) : ANY_OBJECT;
  checkForcible(body, thinks, context);
  const tool = {
    name: RESPONSE_TOOL,
    description: hasTools
      ? "Give your final answer by calling this tool, with the answer as its input. Call it once, when no other tool is needed."
      : "Give your answer by calling this tool, with the answer as its input.",
    input_schema: schema,
  };
  const toolChoice = hasTools
    ? { type: "any", disable_parallel_tool_use: true }
    : { type: "tool", name: RESPONSE_TOOL, disable_parallel_tool_use: true };
  return { tool, toolChoice };
}

/** `json_object`'s tool: any object. */
const ANY_OBJECT = { type: "object", additionalProperties: true };

function schemaOf(jsonSchema: unknown, context: RequestContext): Record<string, unknown> {
  const schema = isRecord(jsonSchema) ? jsonSchema.schema : undefined;
  if (!isRecord(schema) || schema.type !== "object") {
    throw createRequestError(
      context,
      "response_format.json_schema.schema",
      "is not a JSON Schema of an object (Anthropic takes the answer as a tool's input, which is an object)",
      "Give an object schema, or a zod object as `responseFormat`.",
    );
  }
  return schema;
}

/** Fails for what stops Anthropic from being made to call the answer tool. */
function checkForcible(body: Record<string, unknown>, thinks: boolean, context: RequestContext) {
  const choice = body.tool_choice;
  const auto = choice === "auto" || (isRecord(choice) && choice.type === "auto");
  if (choice !== undefined && choice !== null && !auto) {
    throw createRequestError(
      context,
      "tool_choice",
      `is ${JSON.stringify(choice)}, but with \`response_format\` llmux makes Anthropic call a tool of its own to answer`,
      "Leave `tool_choice` out (with tools, the model calls one of them or answers), or leave out `response_format`.",
    );
  }
  if (body.parallel_tool_calls === true) {
    throw createRequestError(
      context,
      "parallel_tool_calls",
      "is true, but with `response_format` llmux has Anthropic make one tool call a turn (so that an answer never comes beside a call whose result it has not seen)",
      "Leave `parallel_tool_calls` out, or leave out `response_format`.",
    );
  }
  const thinking = body.thinking;
  if (thinks || (isRecord(thinking) && thinking.type !== "disabled")) {
    throw createRequestError(
      context,
      thinks ? "reasoning_effort" : "thinking",
      "turns thinking on, and Anthropic cannot be made to call the answer tool while it thinks",
      "Leave thinking off for a call with `response_format`/`responseFormat`, or ask for JSON in the prompt without it.",
    );
  }
  const tools = Array.isArray(body.tools) ? body.tools : [];
  const taken = tools.some(
    (tool) =>
      isRecord(tool) &&
      (tool.name === RESPONSE_TOOL ||
        (isRecord(tool.function) && tool.function.name === RESPONSE_TOOL)),
  );
  if (taken) {
    throw createRequestError(
      context,
      "tools",
      `has a tool named "${RESPONSE_TOOL}", the name llmux gives the tool that carries the answer`,
      "Rename that tool.",
    );
  }
}
