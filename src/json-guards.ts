/**
 * Guards for reading parsed JSON without a schema: the native providers' answers are read field
 * by field (lenient: only the fields used, anything else ignored), and a stream event is read
 * per event, where a schema parse would cost more than the mapping itself. `setOwn` writes a key
 * as `JSON.parse` does.
 */

/** Whether `value` is a JSON object (not an array, not null). */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** `value` when it is a string, else undefined. */
export function stringOf(value: unknown): string | undefined {
  return typeof value === "string" ? value : undefined;
}

/** `value` when it is a finite number, else undefined. */
export function numberOf(value: unknown): number | undefined {
  return typeof value === "number" && Number.isFinite(value) ? value : undefined;
}

/**
 * `record[key] = value`, but a `"__proto__"` key stays an own key, as `JSON.parse` makes it,
 * rather than going through the prototype setter (which would make `value` the prototype).
 */
export function setOwn(record: Record<string, unknown>, key: string, value: unknown): void {
  if (key === "__proto__") {
    Object.defineProperty(record, key, {
      value,
      enumerable: true,
      writable: true,
      configurable: true,
    });
  } else {
    record[key] = value;
  }
}
