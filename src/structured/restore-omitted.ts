/**
 * Strict mode makes every key required, so an optional field is sent as nullable and the model
 * writes `null` where it means "absent". This turns such a `null` back into a missing key, where
 * the schema does not itself take `null` for it, so that zod sees what the schema describes
 * (and a `.default()` applies).
 */
import type * as Zod from "zod";
import { isRecord, setOwn } from "../json-guards.js";
import type { SchemaRuntime } from "./schema-runtime.js";

/** The parts of a zod 4 schema's definition read here; every zod 4 schema has them. */
interface SchemaDefinition {
  type: string;
  innerType?: Zod.core.$ZodType;
  shape?: Record<string, Zod.core.$ZodType>;
  element?: Zod.core.$ZodType;
  options?: readonly Zod.core.$ZodType[];
  left?: Zod.core.$ZodType;
  right?: Zod.core.$ZodType;
  in?: Zod.core.$ZodType;
  getter?: () => Zod.core.$ZodType;
  items?: readonly Zod.core.$ZodType[];
}

const definitionOf = (schema: Zod.core.$ZodType) => schema._zod.def as unknown as SchemaDefinition;

/**
 * `value` with each `null` of an optional, non-nullable key of `schema` removed (a new object).
 * `whole`: the value is a whole answer, so each option of a union is checked to find the one it
 * is; a snapshot of an answer still arriving (`false`) fits none yet, and is left as it is
 * inside a union (no zod check per chunk).
 */
export function restoreOmitted(
  schema: Zod.core.$ZodType,
  value: unknown,
  runtime: SchemaRuntime,
  whole = true,
): unknown {
  const definition = definitionOf(schema);
  switch (definition.type) {
    case "object": {
      if (!isRecord(value) || definition.shape === undefined) return value;
      const restored: Record<string, unknown> = {};
      for (const [key, field] of Object.entries(value)) {
        // Own keys only: `toString` or `__proto__` in an answer is no field of the schema.
        const fieldSchema = Object.hasOwn(definition.shape, key)
          ? definition.shape[key]
          : undefined;
        if (fieldSchema === undefined) setOwn(restored, key, field);
        else if (field === null && isOmittable(fieldSchema, runtime)) continue;
        else setOwn(restored, key, restoreOmitted(fieldSchema, field, runtime, whole));
      }
      return restored;
    }
    case "array":
      if (!Array.isArray(value) || definition.element === undefined) return value;
      return value.map((item) =>
        restoreOmitted(definition.element as Zod.core.$ZodType, item, runtime, whole),
      );
    case "tuple":
      if (!Array.isArray(value) || definition.items === undefined) return value;
      return value.map((item, index) => {
        const itemSchema = definition.items?.[index];
        return itemSchema === undefined ? item : restoreOmitted(itemSchema, item, runtime, whole);
      });
    case "nullable":
      if (value === null) return value;
      return inner(definition.innerType, value, runtime, whole);
    case "optional":
    case "default":
    case "prefault":
    case "nonoptional":
    case "readonly":
    case "catch":
      return inner(definition.innerType, value, runtime, whole);
    case "pipe":
      return inner(definition.in, value, runtime, whole);
    case "lazy":
      return definition.getter === undefined
        ? value
        : restoreOmitted(definition.getter(), value, runtime, whole);
    case "intersection":
      if (definition.left === undefined || definition.right === undefined) return value;
      return restoreOmitted(
        definition.right,
        restoreOmitted(definition.left, value, runtime, whole),
        runtime,
        whole,
      );
    case "union":
      if (!whole) return value;
      // The first option that takes the value once restored for it.
      for (const option of definition.options ?? []) {
        const restored = restoreOmitted(option, value, runtime);
        if (runtime.safeParse(option, restored).success) return restored;
      }
      return value;
    default:
      return value;
  }
}

const inner = (
  schema: Zod.core.$ZodType | undefined,
  value: unknown,
  runtime: SchemaRuntime,
  whole: boolean,
) => (schema === undefined ? value : restoreOmitted(schema, value, runtime, whole));

/** An optional key whose schema does not take `null`: the one `to-strict-json-schema` made nullable. */
function isOmittable(schema: Zod.core.$ZodType, runtime: SchemaRuntime): boolean {
  let omittable = omittableSchemas.get(schema);
  if (omittable === undefined) {
    // `optin` is "optional", or "defaulted" for a `.default()` (zod 4.6): set either way.
    omittable = schema._zod.optin !== undefined && !runtime.safeParse(schema, null).success;
    omittableSchemas.set(schema, omittable);
  }
  return omittable;
}

/** Each field schema's answer, once: snapshots ask it again at every chunk. */
const omittableSchemas = new WeakMap<Zod.core.$ZodType, boolean>();
