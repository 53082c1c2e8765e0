/**
 * OpenAI's sampling and output parameters as Gemini's `generationConfig`: `temperature`, `top_p`
 * -> `topP`, `max_completion_tokens` (or `max_tokens`) -> `maxOutputTokens`, `stop` ->
 * `stopSequences`, `n` -> `candidateCount`, the penalties, `seed`, `response_format` ->
 * `responseMimeType` (+ `responseJsonSchema`), `reasoning_effort` -> `thinkingConfig`.
 */

import { isRecord, numberOf, stringOf } from "../../json-guards.js";
import type { RequestContext } from "../shared/create-request-error.js";
import { mapReasoningEffort } from "./map-reasoning-effort.js";

/** The OpenAI parameters this file maps; the chat mapping consumes them. */
export const GENERATION_PARAMS: readonly string[] = [
  "temperature",
  "top_p",
  "max_tokens",
  "max_completion_tokens",
  "stop",
  "n",
  "presence_penalty",
  "frequency_penalty",
  "seed",
  "response_format",
  "reasoning_effort",
];

/** Builds `generationConfig` from an OpenAI body; undefined when it would be empty. */
export function mapGenerationConfig(
  body: Record<string, unknown>,
  context: RequestContext,
): Record<string, unknown> | undefined {
  const config: Record<string, unknown> = {};
  setNumber(config, "temperature", body.temperature);
  setNumber(config, "topP", body.top_p);
  setNumber(config, "maxOutputTokens", body.max_completion_tokens ?? body.max_tokens);
  const stop = body.stop;
  if (typeof stop === "string") config.stopSequences = [stop];
  else if (Array.isArray(stop)) config.stopSequences = stop;
  setNumber(config, "candidateCount", body.n);
  setNumber(config, "presencePenalty", body.presence_penalty);
  setNumber(config, "frequencyPenalty", body.frequency_penalty);
  setNumber(config, "seed", body.seed);
  mapResponseFormat(config, body.response_format);
  const effort = stringOf(body.reasoning_effort);
  if (effort !== undefined) config.thinkingConfig = mapReasoningEffort(effort, context);
  return Object.keys(config).length === 0 ? undefined : config;
}

function setNumber(config: Record<string, unknown>, key: string, value: unknown): void {
  const number = numberOf(value);
  if (number !== undefined) config[key] = number;
}

/**
 * `json_object` -> JSON output; `json_schema` -> JSON output held to the schema, sent as
 * `responseJsonSchema`: JSON Schema as OpenAI takes it (`$ref`, `$defs`, `anyOf`,
 * `additionalProperties`), with no lossy conversion to `responseSchema`'s OpenAPI subset.
 * `text` is Gemini's default: nothing to send.
 */
function mapResponseFormat(config: Record<string, unknown>, format: unknown): void {
  if (!isRecord(format)) return;
  if (format.type === "json_object") config.responseMimeType = "application/json";
  if (format.type !== "json_schema") return;
  config.responseMimeType = "application/json";
  const schema = isRecord(format.json_schema) ? format.json_schema.schema : undefined;
  if (isRecord(schema)) config.responseJsonSchema = schema;
}
