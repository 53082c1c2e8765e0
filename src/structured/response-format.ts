/**
 * `responseFormat`: a zod schema as OpenAI's strict `response_format`, for the providers that
 * speak OpenAI's protocol and for `gemini/` (which maps it to `responseJsonSchema`).
 */
import type * as Zod from "zod";
import { BadRequestError } from "../errors/errors.js";
import type { SchemaRuntime } from "./schema-runtime.js";
import { type JsonSchema, toStrictJsonSchema } from "./to-strict-json-schema.js";

/**
 * Providers with a protocol of their own whose structured outputs are not built yet. (`gemini/`
 * maps the strict `response_format` to its `responseJsonSchema`, so it takes `responseFormat`.)
 */
const NATIVE_PROVIDERS = new Set(["anthropic"]);

/** OpenAI's `response_format` for strict structured outputs. */
export interface JsonSchemaResponseFormat {
  type: "json_schema";
  json_schema: { name: string; strict: true; schema: JsonSchema };
}

/**
 * Fails before any request when `responseFormat` cannot be sent: given with `response_format`,
 * or to a provider whose own mechanism is not supported yet.
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
  if (NATIVE_PROVIDERS.has(provider)) {
    throw new BadRequestError(
      `llmux: \`responseFormat\` is not supported for the ${provider}/ provider yet (its structured outputs use a mechanism of their own); use a provider that speaks OpenAI's protocol (openai/, cometapi/, openai_compatible/), or describe the JSON in the prompt and parse it yourself.`,
      {
        provider,
        model,
        issues: [
          { path: "responseFormat", message: `is not supported by the ${provider}/ provider yet` },
        ],
      },
    );
  }
}

/** A valid `json_schema.name`: letters, digits, `_` and `-`, at most 64. */
const NAME = /^[A-Za-z0-9_-]{1,64}$/;

/**
 * OpenAI's strict `response_format` for `schema`, named by its `title` (`.meta({ title })`) when
 * that is a valid name, else `"response"`.
 *
 * @throws {BadRequestError} for what strict mode cannot express, naming the path.
 */
export function toResponseFormat(
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
