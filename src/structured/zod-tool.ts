/** `zodTool()`: an OpenAI function tool whose parameters are a zod schema. */
import type * as Zod from "zod";
import { createMethodRuntime, type SchemaRuntime } from "./schema-runtime.js";
import { type JsonSchema, toStrictJsonSchema } from "./to-strict-json-schema.js";

/** What `zodTool()` takes. */
export interface ZodToolOptions<Name extends string, Parameters extends Zod.ZodType> {
  /** The function's name, as the model calls it: letters, digits, `_` and `-`. @example "get_weather" */
  name: Name;
  /** What the tool does and when to call it: the model reads it. */
  description?: string | undefined;
  /**
   * The arguments, as a zod object schema (zod's classic API, `import { z } from "zod"`).
   * @example z.object({ city: z.string(), unit: z.enum(["C", "F"]).optional() })
   */
  parameters: Parameters;
}

/**
 * An OpenAI function tool, sent as it is in `tools`; it also holds its zod schema (not
 * enumerable, so never sent) for {@link parseToolCalls}.
 */
// A type, not an interface: only a type is assignable to the index signature of `tools`.
export type ZodTool<Name extends string = string, Parameters extends Zod.ZodType = Zod.ZodType> = {
  type: "function";
  function: {
    name: Name;
    description?: string;
    /** The strict JSON Schema made from the zod schema. */
    parameters: JsonSchema;
    strict: true;
  };
  /** The zod schema of the arguments. Not enumerable: left out of the request. */
  readonly schema: Parameters;
};

const runtimes = new WeakMap<object, SchemaRuntime>();

/** The runtime a tool made by {@link zodTool} parses with. @internal */
export function toolRuntime(tool: ZodTool): SchemaRuntime {
  return runtimes.get(tool) ?? createMethodRuntime(tool.schema, `zodTool("${tool.function.name}")`);
}

/**
 * Makes an OpenAI function tool from a zod schema, with `strict: true` and the strict JSON
 * Schema of its parameters (optional fields sent as nullable; see `responseFormat`). Read the
 * calls the model makes with {@link parseToolCalls}.
 *
 * @throws {BadRequestError} when the schema cannot be expressed in strict mode, naming the path.
 * @example
 * const weather = zodTool({
 *   name: "get_weather",
 *   description: "The weather in a city",
 *   parameters: z.object({ city: z.string() }),
 * });
 * const response = await completion({ model: "openai/gpt-5", messages, tools: [weather] });
 * for (const call of parseToolCalls(response, [weather])) console.log(call.arguments?.city);
 */
export function zodTool<const Name extends string, Parameters extends Zod.ZodType>(
  options: ZodToolOptions<Name, Parameters>,
): ZodTool<Name, Parameters> {
  const { name, description, parameters } = options;
  const subject = `zodTool("${name}") parameters`;
  const runtime = createMethodRuntime(parameters, subject);
  const definition: ZodTool<Name, Parameters>["function"] = {
    name,
    parameters: toStrictJsonSchema(parameters, runtime, subject),
    strict: true,
  };
  if (description !== undefined) definition.description = description;
  const tool = { type: "function" as const, function: definition };
  Object.defineProperty(tool, "schema", { value: parameters, enumerable: false });
  runtimes.set(tool, runtime);
  return tool as ZodTool<Name, Parameters>;
}
