/** `parseToolCalls()`: the tool calls of an answer, their arguments parsed by each tool's schema. */
import type * as Zod from "zod";
import { OutputParseError } from "../errors/errors.js";
import type { ChatCompletionMessage, ModelResponse } from "../types.js";
import { parseOutput } from "./parse-output.js";
import { toolRuntime, type ZodTool } from "./zod-tool.js";

/** A tool call whose arguments parsed: `name` tells which tool, and types `arguments`. */
export type ParsedToolCallOf<Tool> =
  Tool extends ZodTool<infer Name, infer Parameters>
    ? { id: string; name: Name; arguments: Zod.output<Parameters>; error?: undefined }
    : never;

/** A tool call that could not be used: arguments not JSON or not valid, or an unknown tool. */
export interface FailedToolCall {
  id: string;
  name: string;
  arguments: undefined;
  /** What went wrong; `error.text` holds the raw arguments. */
  error: OutputParseError;
}

/** One tool call of an answer, parsed; check `error` first. */
export type ParsedToolCall<Tool extends ZodTool = ZodTool> =
  | ParsedToolCallOf<Tool>
  | FailedToolCall;

/**
 * The tool calls of `response` (its first choice) or of a message, each with its arguments
 * parsed and validated by the tool of the same name. A failure is reported on its call
 * (`error`), never thrown: arguments that are not JSON or fail the schema, a tool not among
 * `tools`, a custom (free-form) tool call.
 *
 * @example
 * for (const call of parseToolCalls(response, [weather, search])) {
 *   if (call.error) messages.push({ role: "tool", tool_call_id: call.id, content: call.error.message });
 *   else if (call.name === "get_weather") messages.push(toolResult(call.id, await getWeather(call.arguments.city)));
 * }
 */
export function parseToolCalls<const Tools extends readonly ZodTool[]>(
  response: ModelResponse | ChatCompletionMessage,
  tools: Tools,
): ParsedToolCall<Tools[number]>[] {
  const message =
    "choices" in response && Array.isArray(response.choices)
      ? (response as ModelResponse).choices[0]?.message
      : (response as ChatCompletionMessage);
  const provider =
    "choices" in response ? (response as ModelResponse)._hidden_params?.provider : undefined;
  const byName = new Map<string, ZodTool>(tools.map((tool) => [tool.function.name, tool]));
  const parsed: ParsedToolCall<Tools[number]>[] = [];
  for (const call of message?.tool_calls ?? []) {
    if (call.type !== "function") {
      const name = call.custom.name;
      parsed.push(
        failed(
          call.id,
          name,
          call.custom.input,
          `the call ${call.id} is of the custom tool \`${name}\`, not a function tool made by zodTool()`,
        ),
      );
      continue;
    }
    const { name, arguments: text } = call.function;
    const tool = byName.get(name);
    if (tool === undefined) {
      const known = [...byName.keys()].map((key) => `\`${key}\``).join(", ");
      parsed.push(
        failed(
          call.id,
          name,
          text,
          `the model called \`${name}\` (call ${call.id}), which is not among the tools given (${known || "none"})`,
        ),
      );
      continue;
    }
    try {
      const value = parseOutput(text === "" ? "{}" : text, tool.schema, toolRuntime(tool), {
        what: `the arguments of tool call ${call.id} (${name})`,
        provider,
      });
      parsed.push({ id: call.id, name, arguments: value } as ParsedToolCallOf<Tools[number]>);
    } catch (error) {
      if (!(error instanceof OutputParseError)) throw error;
      parsed.push({ id: call.id, name, arguments: undefined, error });
    }
  }
  return parsed;
}

function failed(id: string, name: string, text: string, reason: string): FailedToolCall {
  return {
    id,
    name,
    arguments: undefined,
    error: new OutputParseError(`llmux: ${reason}.`, { text }),
  };
}
