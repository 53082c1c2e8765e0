/**
 * A chat call's OpenAI-shaped body as a Gemini `GenerateContentRequest`. Keys this mapping does
 * not know can only come from `extraBody` (validation rejects any other), so they are Gemini's
 * own (`safetySettings`, `cachedContent`, `labels`) and are sent as given; one that names an
 * object this mapping also builds (`generationConfig`, `toolConfig`) is merged over it, its
 * fields winning, as `extraBody` always wins.
 */

import { isRecord } from "../../json-guards.js";
import type { RequestContext } from "../shared/create-request-error.js";
import { GENERATION_PARAMS, mapGenerationConfig } from "./map-generation-config.js";
import { mapMessages } from "./map-messages.js";
import { mapTools } from "./map-tools.js";

/**
 * The wire parameters a chat call may give (besides `messages` and `stream`): the ones mapped
 * here. The adapter refuses any other before a request. `stream_options` decides llmux's own
 * last usage chunk and is never sent.
 */
export const CHAT_PARAMS: ReadonlySet<string> = new Set([
  "tools",
  "tool_choice",
  "stream_options",
  ...GENERATION_PARAMS,
]);

/** The OpenAI keys mapped (or, like `stream_options`, for llmux alone): never sent as they are. */
const CONSUMED: ReadonlySet<string> = new Set(["model", "messages", "stream", ...CHAT_PARAMS]);

/** Builds the request body for `:generateContent` and `:streamGenerateContent`. */
export function mapChatRequest(
  body: Record<string, unknown>,
  context: RequestContext,
): Record<string, unknown> {
  const { contents, systemInstruction } = mapMessages(body.messages, context);
  const request: Record<string, unknown> = { contents };
  if (systemInstruction !== undefined) request.systemInstruction = systemInstruction;
  const { tools, toolConfig } = mapTools(body.tools, body.tool_choice, context);
  if (tools !== undefined) request.tools = tools;
  if (toolConfig !== undefined) request.toolConfig = toolConfig;
  const generationConfig = mapGenerationConfig(body, context);
  if (generationConfig !== undefined) request.generationConfig = generationConfig;
  for (const key in body) {
    if (CONSUMED.has(key) || key === "__proto__") continue;
    const value = body[key];
    const built = request[key];
    request[key] = isRecord(built) && isRecord(value) ? { ...built, ...value } : value;
  }
  return request;
}
