/**
 * An id for a function call Gemini sent without one (Gemini 2.x never sends ids; Gemini 3
 * sometimes does): OpenAI's shape needs an id to pair the call with its `tool` message.
 * Random, so that calls of different turns never share one.
 */

/** `call_` and 24 hex digits. */
export function createToolCallId(): string {
  return `call_${crypto.randomUUID().replaceAll("-", "").slice(0, 24)}`;
}
