/**
 * `T` as it may be while its JSON is still arriving: every key of every object optional, arrays
 * (readonly ones too) of such partial elements, strings, numbers, booleans and `null` as they are.
 * The type of the snapshots of `stream.partialObjects()`.
 *
 * @example
 * type Weather = { city: string; days: { high: number }[] };
 * type Snapshot = DeepPartial<Weather>; // { city?: string; days?: { high?: number }[] }
 */
export type DeepPartial<T> = T extends readonly (infer Item)[]
  ? T extends unknown[]
    ? DeepPartial<Item>[]
    : readonly DeepPartial<Item>[]
  : T extends object
    ? { [Key in keyof T]?: DeepPartial<T[Key]> }
    : T;
