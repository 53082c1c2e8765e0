/**
 * OpenAI's `messages` as Gemini's `contents` and `systemInstruction`: `user` turns and `model`
 * turns, consecutive turns of one role merged (Gemini wants them alternating, and the results of
 * parallel tool calls in one turn), tool calls and their results paired by name and id.
 */

import { isRecord, stringOf } from "../../json-guards.js";
import { createRequestError, type RequestContext } from "../shared/create-request-error.js";
import { mapContentPart } from "./map-content-part.js";

/** A Gemini part: `{ text }`, `{ inlineData }`, `{ functionCall }`, ... */
export type GeminiPart = Record<string, unknown>;

/** One turn of a Gemini conversation. */
export interface GeminiContent {
  role: "user" | "model";
  parts: GeminiPart[];
}

/** A conversation in Gemini's shape. */
export interface GeminiConversation {
  contents: GeminiContent[];
  /** The system and developer messages' text, in order; undefined when there is none. */
  systemInstruction: { parts: GeminiPart[] } | undefined;
}

/** Maps OpenAI's `messages` (validated by llmux, or given whole through `extraBody`). */
export function mapMessages(messages: unknown, context: RequestContext): GeminiConversation {
  if (!Array.isArray(messages)) {
    throw createRequestError(context, "messages", "is not an array", "Give an array of messages.");
  }
  const contents: GeminiContent[] = [];
  const systemParts: GeminiPart[] = [];
  // Tool call id -> function name: a `functionResponse` must name its function, which an OpenAI
  // `tool` message only refers to by the call's id. Later calls with one id win.
  const toolNames = new Map<string, string>();
  for (let index = 0; index < messages.length; index++) {
    const message: unknown = messages[index];
    const path = `messages[${index}]`;
    if (!isRecord(message)) {
      throw createRequestError(context, path, "is not a message", "Give an object with a `role`.");
    }
    switch (message.role) {
      case "system":
      case "developer":
        systemParts.push(...textParts(message.content, `${path}.content`, context));
        break;
      case "user":
        addTurn(contents, "user", userParts(message.content, `${path}.content`, context));
        break;
      case "assistant":
        addTurn(contents, "model", assistantParts(message, path, context, toolNames));
        break;
      case "tool":
        addTurn(contents, "user", [functionResponsePart(message, path, context, toolNames)]);
        break;
      default:
        throw createRequestError(
          context,
          `${path}.role`,
          `"${String(message.role)}" is not a role`,
          "Use system, developer, user, assistant or tool.",
        );
    }
  }
  return {
    contents,
    systemInstruction: systemParts.length === 0 ? undefined : { parts: systemParts },
  };
}

/** Adds parts as a turn of `role`, or to the last turn when it has the same role. */
function addTurn(contents: GeminiContent[], role: GeminiContent["role"], parts: GeminiPart[]) {
  if (parts.length === 0) return;
  const last = contents.at(-1);
  if (last !== undefined && last.role === role) last.parts.push(...parts);
  else contents.push({ role, parts });
}

/** A string, or `text` (and an assistant's `refusal`) parts, as Gemini text parts. */
function textParts(content: unknown, path: string, context: RequestContext): GeminiPart[] {
  if (content === undefined || content === null || content === "") return [];
  if (typeof content === "string") return [{ text: content }];
  if (!Array.isArray(content)) {
    throw createRequestError(
      context,
      path,
      "is not text",
      "Give a string or an array of text parts.",
    );
  }
  const parts: GeminiPart[] = [];
  for (let index = 0; index < content.length; index++) {
    const part: unknown = content[index];
    const text = isRecord(part)
      ? part.type === "refusal"
        ? stringOf(part.refusal)
        : part.type === "text"
          ? stringOf(part.text)
          : undefined
      : undefined;
    if (text === undefined) {
      throw createRequestError(
        context,
        `${path}[${index}]`,
        "is not a text part",
        'Give `{ type: "text", text }` parts here.',
      );
    }
    if (text !== "") parts.push({ text });
  }
  return parts;
}

function userParts(content: unknown, path: string, context: RequestContext): GeminiPart[] {
  if (!Array.isArray(content)) return textParts(content, path, context);
  const parts: GeminiPart[] = [];
  for (let index = 0; index < content.length; index++) {
    const part = mapContentPart(content[index], `${path}[${index}]`, context);
    if (part !== undefined) parts.push(part);
  }
  return parts;
}

/** An assistant message: its text, then its tool calls as `functionCall` parts. */
function assistantParts(
  message: Record<string, unknown>,
  path: string,
  context: RequestContext,
  toolNames: Map<string, string>,
): GeminiPart[] {
  const parts = textParts(message.content, `${path}.content`, context);
  const calls = message.tool_calls;
  if (!Array.isArray(calls)) return parts;
  for (let index = 0; index < calls.length; index++) {
    parts.push(functionCallPart(calls[index], `${path}.tool_calls[${index}]`, context, toolNames));
  }
  return parts;
}

/**
 * A tool call as a `functionCall` part, with the thought signature Gemini gave it
 * (`extra_content.google.thought_signature`): thinking models refuse a function call of the
 * current turn sent back without it. The id goes back too, as Gemini's own ids must.
 */
function functionCallPart(
  call: unknown,
  path: string,
  context: RequestContext,
  toolNames: Map<string, string>,
): GeminiPart {
  const fn = isRecord(call) && call.type === "function" ? call.function : undefined;
  const name = isRecord(fn) ? stringOf(fn.name) : undefined;
  if (!isRecord(call) || !isRecord(fn) || name === undefined) {
    throw createRequestError(
      context,
      path,
      "is not a function tool call",
      'Give `{ id, type: "function", function: { name, arguments } }`.',
    );
  }
  const id = stringOf(call.id);
  if (id !== undefined) toolNames.set(id, name);
  const functionCall: Record<string, unknown> = {};
  if (id !== undefined) functionCall.id = id;
  functionCall.name = name;
  functionCall.args = parseArguments(fn.arguments, `${path}.function.arguments`, context);
  const signature = thoughtSignatureOf(call);
  return signature === undefined ? { functionCall } : { functionCall, thoughtSignature: signature };
}

/** `extra_content.google.thought_signature`, where llmux keeps Gemini's `thoughtSignature`. */
function thoughtSignatureOf(call: Record<string, unknown>): string | undefined {
  const extra = call.extra_content;
  const google = isRecord(extra) ? extra.google : undefined;
  return isRecord(google) ? stringOf(google.thought_signature) : undefined;
}

/** A tool call's `arguments` JSON string as the object Gemini's `args` must be. */
function parseArguments(
  text: unknown,
  path: string,
  context: RequestContext,
): Record<string, unknown> {
  // Some clients send "" for a call without arguments.
  if (text === undefined || (typeof text === "string" && text.trim() === "")) return {};
  let args: unknown;
  try {
    args = typeof text === "string" ? JSON.parse(text) : text;
  } catch {
    args = undefined;
  }
  if (!isRecord(args)) {
    throw createRequestError(
      context,
      path,
      "is not a JSON object",
      "Gemini takes a function call's arguments as an object: give its JSON text.",
    );
  }
  return args;
}

/**
 * A `tool` message as a `functionResponse` part: the function's name found from the earlier call
 * with its `tool_call_id`; the content as the `response` object when it is a JSON object, else
 * wrapped as `{ content }` (Gemini takes only an object).
 */
function functionResponsePart(
  message: Record<string, unknown>,
  path: string,
  context: RequestContext,
  toolNames: Map<string, string>,
): GeminiPart {
  const id = stringOf(message.tool_call_id) ?? "";
  const name = toolNames.get(id);
  if (name === undefined) {
    throw createRequestError(
      context,
      `${path}.tool_call_id`,
      `"${id}" is the id of no tool call in an earlier assistant message`,
      "Send the assistant message that made the call before its result: Gemini needs the function's name, which only the call has.",
    );
  }
  const text = textParts(message.content, `${path}.content`, context)
    .map((part) => part.text)
    .join("");
  return { functionResponse: { id, name, response: toResponseObject(text) } };
}

function toResponseObject(text: string): Record<string, unknown> {
  if (text.trimStart().startsWith("{")) {
    try {
      const parsed: unknown = JSON.parse(text);
      if (isRecord(parsed)) return parsed;
    } catch {
      // Not JSON: sent as text below.
    }
  }
  return { content: text };
}
