/** The `id` and `created` of an answer (or of every chunk of a stream) from Gemini's fields. */
import { stringOf } from "../../json-guards.js";

/** `responseId`, or a made id for a server that sends none. */
export function responseIdOf(body: Record<string, unknown>): string {
  return stringOf(body.responseId) ?? `chatcmpl-${crypto.randomUUID()}`;
}

/** Unix seconds: Vertex AI's `createTime` when sent, else now. */
export function createdOf(body: Record<string, unknown>): number {
  const time = stringOf(body.createTime);
  const parsed = time === undefined ? Number.NaN : Date.parse(time);
  return Math.floor((Number.isNaN(parsed) ? Date.now() : parsed) / 1000);
}
