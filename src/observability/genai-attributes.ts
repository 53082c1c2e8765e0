/**
 * What a call's span and metrics say, after the GenAI semantic conventions: the request's
 * attributes, the answer's facts, the messages (when recorded) and the error's type.
 */
import type { Attributes } from "./load-opentelemetry.js";

/** `gen_ai.provider.name` where the conventions name the provider otherwise than llmux does. */
const PROVIDER_NAMES: Readonly<Record<string, string>> = { gemini: "gcp.gemini" };

/** Wire parameter -> `gen_ai.request.*` attribute, copied when a number is given. */
const NUMBER_PARAMS: ReadonlyArray<readonly [string, string]> = [
  ["temperature", "gen_ai.request.temperature"],
  ["max_tokens", "gen_ai.request.max_tokens"],
  ["max_completion_tokens", "gen_ai.request.max_tokens"],
  ["top_p", "gen_ai.request.top_p"],
  ["top_k", "gen_ai.request.top_k"],
  ["frequency_penalty", "gen_ai.request.frequency_penalty"],
  ["presence_penalty", "gen_ai.request.presence_penalty"],
  ["seed", "gen_ai.request.seed"],
  ["dimensions", "gen_ai.embeddings.dimension.count"],
];

/** `gen_ai.provider.name`: llmux's provider id, or the conventions' name for it. */
export function providerName(provider: string): string {
  return PROVIDER_NAMES[provider] ?? provider;
}

/** The `gen_ai.request.*` attributes of the parameters given (never a client option). */
export function requestAttributes(
  params: Readonly<Record<string, unknown>>,
  attributes: Attributes,
) {
  for (const [key, attribute] of NUMBER_PARAMS) {
    const value = params[key];
    if (typeof value === "number") attributes[attribute] = value;
  }
  const n = params.n;
  if (typeof n === "number" && n !== 1) attributes["gen_ai.request.choice.count"] = n;
  const stop = params.stop;
  if (typeof stop === "string") attributes["gen_ai.request.stop_sequences"] = [stop];
  else if (Array.isArray(stop) && stop.every((item) => typeof item === "string")) {
    attributes["gen_ai.request.stop_sequences"] = stop;
  }
  const encoding = params.encoding_format;
  if (typeof encoding === "string") attributes["gen_ai.request.encoding_formats"] = [encoding];
}

/**
 * `gen_ai.output.type` of a `response_format`: `json` for `json_schema`/`json_object`, `text`
 * for `{ type: "text" }` (and `json` for `responseFormat`, seen before the params lose it).
 */
export function outputTypeOf(params: Readonly<Record<string, unknown>>): string | undefined {
  const format = params.response_format;
  const type =
    typeof format === "object" && format !== null ? (format as { type?: unknown }).type : undefined;
  if (type === "json_schema" || type === "json_object") return "json";
  return type === "text" ? "text" : undefined;
}

export interface ResponseFacts {
  readonly id: string | undefined;
  readonly model: string | undefined;
  readonly finishReasons: string[];
  readonly outputMessages: unknown[];
}

/** What the span takes from an answer (a chat completion, a rebuilt stream, an embedding list). */
export function responseOf(response: unknown): ResponseFacts | undefined {
  if (typeof response !== "object" || response === null) return undefined;
  const { id, model, choices } = response as { id?: unknown; model?: unknown; choices?: unknown };
  const finishReasons: string[] = [];
  const outputMessages: unknown[] = [];
  if (Array.isArray(choices)) {
    for (const choice of choices as Array<{ finish_reason?: unknown; message?: unknown }>) {
      const reason = typeof choice?.finish_reason === "string" ? choice.finish_reason : undefined;
      if (reason !== undefined) finishReasons.push(reason);
      const message = choice?.message as Record<string, unknown> | undefined;
      if (message !== undefined) {
        outputMessages.push({
          role: "assistant",
          parts: messageParts(message),
          finish_reason: reason ?? null,
        });
      }
    }
  }
  return {
    id: typeof id === "string" && id !== "" ? id : undefined,
    model: typeof model === "string" && model !== "" ? model : undefined,
    finishReasons,
    outputMessages,
  };
}

/** OpenAI's messages in the conventions' shape: `{ role, parts: [{ type, ... }] }`. */
export function inputMessages(messages: unknown): unknown[] {
  if (!Array.isArray(messages)) return [];
  return messages.map((message: Record<string, unknown>) => ({
    role: message?.role,
    parts: messageParts(message ?? {}),
  }));
}

function messageParts(message: Record<string, unknown>): unknown[] {
  const parts: unknown[] = [];
  const content = message.content;
  if (message.role === "tool") {
    parts.push({ type: "tool_call_response", id: message.tool_call_id, response: content });
    return parts;
  }
  if (typeof content === "string") parts.push({ type: "text", content });
  else if (Array.isArray(content)) {
    for (const part of content as Array<Record<string, unknown>>) {
      if (part?.type === "text") parts.push({ type: "text", content: part.text });
      else parts.push({ type: String(part?.type) });
    }
  }
  if (Array.isArray(message.tool_calls)) {
    for (const call of message.tool_calls as Array<Record<string, unknown>>) {
      const fn = call?.function as { name?: unknown; arguments?: unknown } | undefined;
      parts.push({ type: "tool_call", id: call?.id, name: fn?.name, arguments: fn?.arguments });
    }
  }
  return parts;
}

/** `error.type`: the error's class name (llmux's errors set `name` to it). */
export function errorType(error: unknown): string {
  if (error instanceof Error) return error.name !== "" ? error.name : error.constructor.name;
  return "_OTHER";
}

/** The span's status message: the error's own message. */
export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
