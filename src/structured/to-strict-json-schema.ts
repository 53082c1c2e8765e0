/**
 * A zod schema as the JSON Schema OpenAI's strict mode accepts (`strict: true` structured outputs
 * and function tools): zod's own conversion, then adapted, and a `BadRequestError` naming the
 * path for what strict mode cannot express.
 *
 * What strict mode accepts (OpenAI's structured outputs guide): the types string, number,
 * integer, boolean, object, array, null, with `enum`, `anyOf`, `$ref`/`$defs` (recursion
 * included); the root an object, not a union; every property in `required`; every object with
 * `additionalProperties: false`; on strings `pattern` and a few `format`s; on numbers `minimum`,
 * `maximum`, `exclusiveMinimum`, `exclusiveMaximum`, `multipleOf`; on arrays `minItems`,
 * `maxItems`. Everything else is left out when it only narrows values (`minLength`, a `format`
 * strict mode lacks: zod still checks the answer) and refused when it shapes them (a record's
 * free keys, a tuple, an intersection, `not`).
 */

import type * as Zod from "zod";
import { BadRequestError } from "../errors/errors.js";
import { isRecord } from "../json-guards.js";
import type { SchemaRuntime } from "./schema-runtime.js";

/** A JSON Schema node. */
export type JsonSchema = Record<string, unknown>;

/** Keywords copied as they are. */
const KEPT = new Set([
  "type",
  "description",
  "title",
  "enum",
  "$ref",
  "minimum",
  "maximum",
  "exclusiveMinimum",
  "exclusiveMaximum",
  "multipleOf",
  "minItems",
  "maxItems",
]);

/** The `format`s strict mode knows; zod's others (`uri`, `cuid`, ...) are left out. */
const FORMATS = new Set([
  "date-time",
  "time",
  "date",
  "duration",
  "email",
  "hostname",
  "ipv4",
  "ipv6",
  "uuid",
]);

/** Keywords that shape values in a way strict mode cannot express, each with the way out. */
const REFUSED: Record<string, string> = {
  propertyNames:
    "is a record with keys the model would choose (z.record); strict mode needs every key named: use z.object({ ... }) with the keys, or an array of { key, value } objects",
  patternProperties:
    "is a record with keys the model would choose; strict mode needs every key named: use z.object({ ... }) with the keys, or an array of { key, value } objects",
  prefixItems:
    "is a tuple (z.tuple); strict mode has one schema for every item of an array: use z.object({ ... }) with named fields",
  allOf:
    "is an intersection (z.intersection, .and()); strict mode has no allOf: use z.object({ ...a.shape, ...b.shape }) or .extend()",
  not: "uses z.never() or a negation, which strict mode cannot express",
  if: "uses a conditional schema, which strict mode cannot express",
  dependentSchemas: "uses dependentSchemas, which strict mode cannot express",
  dependentRequired: "uses dependentRequired, which strict mode cannot express",
  unevaluatedProperties: "uses unevaluatedProperties, which strict mode cannot express",
  unevaluatedItems: "uses unevaluatedItems, which strict mode cannot express",
  contains: "uses contains, which strict mode cannot express",
};

/** zod types with no JSON Schema, by the name in their `def.type`, and what to use instead. */
const UNREPRESENTABLE: Record<string, string> = {
  any: "is z.any(): strict mode needs a type for every value",
  unknown: "is z.unknown(): strict mode needs a type for every value",
  date: "is a z.date(), which JSON cannot carry: use z.iso.datetime() (a string)",
  bigint: "is a z.bigint(), which JSON cannot carry: use z.number().int() or a string",
  transform:
    "is a transform with no input schema: put a schema before it (z.string().transform(...))",
  custom: "is a z.custom() or z.instanceof(), which has no JSON Schema",
  map: "is a z.map(), which JSON cannot carry: use an array of { key, value } objects",
  set: "is a z.set(), which JSON cannot carry: use z.array()",
  symbol: "is a z.symbol(), which JSON cannot carry",
  function: "is a function, which JSON cannot carry",
  undefined: "is z.undefined(), which JSON cannot carry",
  void: "is z.void(), which JSON cannot carry",
  nan: "is z.nan(), which JSON cannot carry",
  promise: "is a z.promise(), which JSON cannot carry",
};

/** A node's place in the JSON Schema, as JSON Pointer segments (`properties`, `a`, `items`). */
type Pointer = readonly string[];

interface Context {
  /** For messages: `responseFormat`, or `zodTool("weather") parameters`. */
  subject: string;
  /** The zod type of each node zod could not convert (it wrote `{}`), by pointer. */
  unrepresentable: Map<string, string>;
}

/**
 * Converts `schema` into the JSON Schema strict mode accepts.
 *
 * @throws {BadRequestError} for what strict mode cannot express, naming the path in the schema.
 */
export function toStrictJsonSchema(
  schema: Zod.core.$ZodType,
  runtime: SchemaRuntime,
  subject: string,
): JsonSchema {
  const unrepresentable = new Map<string, string>();
  const converted = runtime.toJSONSchema(schema, {
    // What the model writes is what zod parses: the schema's input (before transforms).
    io: "input",
    unrepresentable: "any",
    cycles: "ref",
    reused: "inline",
    override: ({ zodSchema, jsonSchema, path }) => {
      if (!hasShape(jsonSchema)) unrepresentable.set(path.join("/"), zodSchema._zod.def.type);
    },
  });
  const context: Context = { subject, unrepresentable };
  if (!isRecord(converted)) throw refuse(context, [], "has no JSON Schema");
  if (converted.type !== "object" || converted.anyOf !== undefined) {
    const what = typeof converted.type === "string" ? `a ${converted.type}` : "not an object";
    throw refuse(
      context,
      [],
      `is ${what}: strict mode needs an object at the root; wrap it: z.object({ value: ... })`,
    );
  }
  const strict = convert(converted, [], context);
  if (isRecord(converted.$defs)) {
    const definitions: JsonSchema = {};
    for (const [name, definition] of Object.entries(converted.$defs)) {
      definitions[name] = convert(definition, ["$defs", name], context);
    }
    strict.$defs = definitions;
  }
  return strict;
}

/** Whether a node says anything about a value's type (zod writes `{}` for what it cannot convert). */
function hasShape(node: JsonSchema): boolean {
  return (
    node.type !== undefined ||
    node.anyOf !== undefined ||
    node.oneOf !== undefined ||
    node.allOf !== undefined ||
    node.$ref !== undefined ||
    node.enum !== undefined ||
    node.const !== undefined ||
    node.not !== undefined
  );
}

function convert(node: unknown, at: Pointer, context: Context): JsonSchema {
  if (!isRecord(node)) throw refuse(context, at, "cannot be expressed in strict mode");
  for (const key in node) {
    const reason = REFUSED[key];
    if (reason !== undefined && node[key] !== undefined) throw refuse(context, at, reason);
  }
  if (!hasShape(node)) {
    const type = context.unrepresentable.get(at.join("/"));
    const reason = (type !== undefined ? UNREPRESENTABLE[type] : undefined) ?? "has no type";
    throw refuse(context, at, reason);
  }
  const strict: JsonSchema = {};
  for (const key in node) {
    const value = node[key];
    if (KEPT.has(key)) strict[key] = value;
    else if (key === "const") strict.enum = [value];
    else if (key === "format" && typeof value === "string" && FORMATS.has(value)) {
      strict.format = value;
    } else if (key === "pattern" && node.format === undefined) {
      // zod writes a `pattern` beside each string format (email, uuid...): the format says it.
      strict.pattern = value;
    } else if (key === "items") {
      strict.items = convert(value, [...at, "items"], context);
    } else if ((key === "anyOf" || key === "oneOf") && Array.isArray(value)) {
      // A discriminated union is zod's `oneOf`; strict mode has `anyOf` only, which is the same
      // for options told apart by a literal.
      strict.anyOf = value.map((option, index) =>
        convert(option, [...at, key, String(index)], context),
      );
    }
  }
  if (node.type === "integer") dropSafeIntegerBounds(strict);
  if (node.type === "object" || node.properties !== undefined)
    convertObject(node, strict, at, context);
  return strict;
}

function convertObject(node: JsonSchema, strict: JsonSchema, at: Pointer, context: Context): void {
  const extra = node.additionalProperties;
  if (extra !== undefined && extra !== false) {
    const named = isRecord(node.properties) && Object.keys(node.properties).length > 0;
    throw refuse(
      context,
      at,
      named
        ? "takes keys beyond the ones named (z.looseObject, .catchall(), .passthrough()); strict mode needs every key named: use z.object()"
        : "is a record with keys the model would choose (z.record); strict mode needs every key named: use z.object({ ... }) with the keys, or an array of { key, value } objects",
    );
  }
  const required = new Set(Array.isArray(node.required) ? node.required : []);
  const properties: JsonSchema = {};
  const source = isRecord(node.properties) ? node.properties : {};
  for (const [name, property] of Object.entries(source)) {
    const converted = convert(property, [...at, "properties", name], context);
    // Strict mode wants every key; an optional one is sent as nullable, and a `null` in the
    // answer is turned back into a missing key before zod parses it (`restore-omitted.ts`).
    properties[name] = required.has(name) ? converted : toNullable(converted);
  }
  strict.type = "object";
  strict.properties = properties;
  strict.required = Object.keys(properties);
  strict.additionalProperties = false;
}

/** zod bounds `z.number().int()` to the safe integers; strict mode needs no such noise. */
function dropSafeIntegerBounds(strict: JsonSchema): void {
  if (strict.minimum === Number.MIN_SAFE_INTEGER) delete strict.minimum;
  if (strict.maximum === Number.MAX_SAFE_INTEGER) delete strict.maximum;
}

function isNullable(node: JsonSchema): boolean {
  const type = node.type;
  if (type === "null" || (Array.isArray(type) && type.includes("null"))) return true;
  return (
    Array.isArray(node.anyOf) && node.anyOf.some((option) => isRecord(option) && isNullable(option))
  );
}

/** `node`, or null. */
function toNullable(node: JsonSchema): JsonSchema {
  if (isNullable(node)) return node;
  if (
    typeof node.type === "string" &&
    node.enum === undefined &&
    node.type !== "object" &&
    node.type !== "array"
  ) {
    return { ...node, type: [node.type, "null"] };
  }
  if (Array.isArray(node.anyOf)) return { ...node, anyOf: [...node.anyOf, { type: "null" }] };
  const { description, ...rest } = node;
  const nullable: JsonSchema = { anyOf: [rest, { type: "null" }] };
  if (description !== undefined) nullable.description = description;
  return nullable;
}

/** A pointer as a path a reader knows: `address.lines[]`, `pet<option 2>.name`. */
function formatSchemaPath(at: Pointer): string {
  let path = "";
  for (let index = 0; index < at.length; index++) {
    const segment = at[index];
    const next = at[index + 1] ?? "";
    if (segment === "properties") {
      path += path === "" ? next : `.${next}`;
      index++;
    } else if (segment === "items") path += "[]";
    else if (segment === "anyOf" || segment === "oneOf") {
      path += `<option ${Number(next) + 1}>`;
      index++;
    } else if (segment === "$defs") {
      path = `(recursive schema ${next})`;
      index++;
    }
  }
  return path;
}

function refuse(context: Context, at: Pointer, reason: string): BadRequestError {
  const path = formatSchemaPath(at);
  const where = path === "" ? "its root" : `\`${path}\``;
  return new BadRequestError(
    `llmux: ${context.subject} cannot be sent as a strict JSON schema: ${where} ${reason}.`,
    {
      issues: [
        { path: path === "" ? context.subject : `${context.subject}.${path}`, message: reason },
      ],
    },
  );
}
