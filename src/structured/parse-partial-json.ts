/**
 * Reads the beginning of a JSON text that is still arriving, through `partial-json` (MIT,
 * promplate; bundled into dist/, see THIRD_PARTY_NOTICES.md). The one file that imports it.
 */
import { Allow, parse } from "partial-json";
import { setOwn } from "../json-guards.js";

/**
 * Partial strings, arrays, objects, `null`s and booleans, but no partial number: "12" of "123"
 * would be shown with a value the answer never has, so a number at the end is left out until a
 * `,`, `]` or `}` closes it.
 */
const ALLOWED = Allow.ALL & ~Allow.NUM;

/**
 * The value that the beginning of a JSON text reads as so far: strings may be cut, arrays and
 * objects hold what is complete of them, a number appears once it is closed. Undefined when
 * nothing can be read yet (empty or blank text, a lone `-`) or when the text is not JSON
 * (prose, a markdown fence).
 *
 * @example
 * parsePartialJson('{"city":"Pa'); // { city: "Pa" }
 * parsePartialJson('{"celsius":1'); // {}
 * parsePartialJson('{"tags":["a",'); // { tags: ["a"] }
 */
export function parsePartialJson(text: string): unknown {
  let value: unknown;
  try {
    value = parse(text, ALLOWED);
  } catch {
    // Blank text, a malformed one, or a beginning too short to read (a lone `-`).
    return undefined;
  }
  restoreProtoKeys(value);
  return value;
}

/**
 * partial-json builds objects with `object[key] = value`, so a `"__proto__"` key sets the
 * object's prototype instead of adding a key. This turns such a prototype back into the own
 * `"__proto__"` key that `JSON.parse` (and so `final()`) makes, in place (after the other keys).
 *
 * A walk of the value's objects after each parse, rather than a search of the text for
 * `__proto__` first: a key can be written with escapes (`"\u005f_proto__"`), which a text search
 * would miss, and the walk costs little beside the parse it follows (~5 us after a ~70 us parse
 * of a 3 KB answer). A `__proto__` whose value
 * is not an object is dropped by the prototype setter, so it is missing from the snapshot.
 */
function restoreProtoKeys(value: unknown): void {
  if (typeof value !== "object" || value === null) return;
  if (Array.isArray(value)) {
    for (const item of value) restoreProtoKeys(item);
    return;
  }
  const prototype: unknown = Object.getPrototypeOf(value);
  if (prototype !== Object.prototype) {
    Object.setPrototypeOf(value, Object.prototype);
    setOwn(value as Record<string, unknown>, "__proto__", prototype);
  }
  for (const field of Object.values(value)) restoreProtoKeys(field);
}
