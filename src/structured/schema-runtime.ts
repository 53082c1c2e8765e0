/**
 * The two things structured outputs ask of zod: a JSON Schema from a schema, and a parse. Given
 * by llmux's lazily loaded zod for `responseFormat`, or by the schema's own methods for
 * `zodTool()` (which is synchronous, and so cannot wait for zod to load).
 */
import type * as Zod from "zod";
import { LLMError } from "../errors/errors.js";

/** zod's JSON Schema conversion and parse, however they were reached. */
export interface SchemaRuntime {
  toJSONSchema(schema: Zod.core.$ZodType, params: Zod.core.ToJSONSchemaParams): unknown;
  safeParse(schema: Zod.core.$ZodType, value: unknown): Zod.ZodSafeParseResult<unknown>;
}

/** The runtime of llmux's own zod (`loadZod()`); it takes schemas of any zod 4 (classic or mini). */
export function createZodRuntime(z: typeof Zod.z): SchemaRuntime {
  return {
    toJSONSchema: (schema, params) => z.toJSONSchema(schema, params),
    safeParse: (schema, value) => z.safeParse(schema, value),
  };
}

/** A schema of zod's classic API: it converts and parses itself. */
interface ClassicSchema {
  toJSONSchema(params?: Zod.core.ToJSONSchemaParams): unknown;
  safeParse(value: unknown): Zod.ZodSafeParseResult<unknown>;
}

const isClassic = (schema: object): schema is ClassicSchema =>
  "toJSONSchema" in schema &&
  typeof schema.toJSONSchema === "function" &&
  "safeParse" in schema &&
  typeof schema.safeParse === "function";

/**
 * The runtime of a schema of zod's classic API (`import { z } from "zod"`), through its own
 * methods.
 *
 * @throws {LLMError} for a schema without them (zod/mini): `what` names where it was given.
 */
export function createMethodRuntime(schema: Zod.core.$ZodType, what: string): SchemaRuntime {
  if (!isClassic(schema)) {
    throw new LLMError(
      `llmux: ${what} must be a schema of zod's classic API (import { z } from "zod"), which converts and parses itself; a zod/mini schema does not.`,
    );
  }
  const classic = (inner: Zod.core.$ZodType): ClassicSchema => {
    if (isClassic(inner)) return inner;
    throw new LLMError(`llmux: ${what} mixes zod/mini schemas into a classic one; use one API.`);
  };
  return {
    toJSONSchema: (inner, params) => classic(inner).toJSONSchema(params),
    safeParse: (inner, value) => classic(inner).safeParse(value),
  };
}
