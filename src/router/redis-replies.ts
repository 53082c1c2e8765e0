/** Reading what Redis answers the Router: a script run's JSON, a hash's entries. */

/** HGETALL's reply as entries: node-redis gives an object (RESP2) or a Map (RESP3). */
export function hashEntries(reply: unknown): [string, string][] {
  if (reply instanceof Map) return [...reply].map(([key, value]) => [String(key), String(value)]);
  if (Array.isArray(reply)) {
    const entries: [string, string][] = [];
    for (let index = 0; index + 1 < reply.length; index += 2) {
      entries.push([String(reply[index]), String(reply[index + 1])]);
    }
    return entries;
  }
  if (reply !== null && typeof reply === "object") {
    return Object.entries(reply).map(([key, value]) => [key, String(value)]);
  }
  return [];
}

/** What a script run answers (see `STEP`). */
export interface StepReply {
  c?: string;
  t?: number;
  s?: [number, number, number, number, number][];
}

export function parseReply(reply: unknown): StepReply {
  try {
    const parsed: unknown = JSON.parse(String(reply));
    return parsed !== null && typeof parsed === "object" ? (parsed as StepReply) : {};
  } catch {
    return {};
  }
}
