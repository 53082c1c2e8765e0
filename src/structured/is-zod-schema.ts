/**
 * A zod 4 schema, told apart without loading zod: what `responseFormat` takes. Used by the schema
 * (`schemas.ts`) and by the quick check alike, so that both give the same verdict.
 */
import type * as Zod from "zod";

/** Whether `value` is a zod 4 schema (classic or mini): an object with its `_zod.def`. */
export function isZodSchema(value: unknown): value is Zod.core.$ZodType {
  if (typeof value !== "object" || value === null || !("_zod" in value)) return false;
  const internals = value._zod;
  return (
    typeof internals === "object" &&
    internals !== null &&
    "def" in internals &&
    typeof internals.def === "object" &&
    internals.def !== null
  );
}
