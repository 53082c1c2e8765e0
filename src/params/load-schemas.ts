/** The schemas of `schemas.ts`, loaded with zod when a call needs them (see `load-zod.ts`). */
import { loadZod } from "./load-zod.js";
import type * as Schemas from "./schemas.js";

let loading: Promise<typeof Schemas> | undefined;

/**
 * Loads zod, then evaluates `schemas.ts` with it, once. The module is never imported otherwise
 * (only its types are), so that a call the quick check accepts loads neither.
 */
export function loadSchemas(): Promise<typeof Schemas> {
  loading ??= loadZod().then(() => import("./schemas.js"));
  return loading;
}
