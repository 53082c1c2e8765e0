/**
 * `responseFormat`: a zod schema as OpenAI's strict `response_format`. The providers that speak
 * OpenAI's protocol send it as it is; `gemini/` maps it to `responseJsonSchema`, `anthropic/` to
 * a tool it makes the model call (see `providers/anthropic/response-tool.ts`).
 */
import type * as Zod from "zod";
import { BadRequestError } from "../errors/errors.js";
import type { SchemaRuntime } from "./schema-runtime.js";
import { type JsonSchema, toStrictJsonSchema } from "./to-strict-json-schema.js";

/** OpenAI's `response_format` for strict structured outputs. */
export interface JsonSchemaResponseFormat {
  type: "json_schema";
  json_schema: { name: string; strict: true; schema: JsonSchema };
}

/**
 * Fails before any request when `responseFormat` is given with `response_format`.
 *
 * @throws {BadRequestError}
 */
export function checkResponseFormat(
  params: { response_format?: unknown },
  provider: string,
  model: string,
): void {
  if (params.response_format !== undefined) {
    throw new BadRequestError(
      "llmux: give `responseFormat` (a zod schema) or `response_format` (OpenAI's wire parameter), not both: `responseFormat` sends its own `response_format`.",
      {
        provider,
        model,
        issues: [{ path: "response_format", message: "cannot be given with responseFormat" }],
      },
    );
  }
}

/** A valid `json_schema.name`: letters, digits, `_` and `-`, at most 64. */
const NAME = /^[A-Za-z0-9_-]{1,64}$/;

/**
 * Each schema's format, made once: zod schemas are immutable and nearly always module
 * constants, and the conversion costs ~50 us a call. Frozen, since every call shares it.
 */
const formats = new WeakMap<Zod.core.$ZodType, JsonSchemaResponseFormat>();

/**
 * OpenAI's strict `response_format` for `schema`, named by its `title` (`.meta({ title })`) when
 * that is a valid name, else `"response"`. The same (frozen) object for the same schema.
 *
 * @throws {BadRequestError} for what strict mode cannot express, naming the path.
 */
export function toResponseFormat(
  schema: Zod.core.$ZodType,
  runtime: SchemaRuntime,
): JsonSchemaResponseFormat {
  let format = formats.get(schema);
  if (format === undefined) {
    format = deepFreeze(buildResponseFormat(schema, runtime));
    formats.set(schema, format);
  }
  return format;
}

function buildResponseFormat(
  schema: Zod.core.$ZodType,
  runtime: SchemaRuntime,
): JsonSchemaResponseFormat {
  const strict = toStrictJsonSchema(schema, runtime, "responseFormat");
  const title = strict.title;
  const name = typeof title === "string" && NAME.test(title) ? title : "response";
  const jsonSchema: JsonSchemaResponseFormat["json_schema"] = {
    name,
    strict: true,
    schema: strict,
  };
  return { type: "json_schema", json_schema: jsonSchema };
}

function deepFreeze<T>(value: T): T {
  if (typeof value === "object" && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const field of Object.values(value)) deepFreeze(field);
  }
  return value;
}
