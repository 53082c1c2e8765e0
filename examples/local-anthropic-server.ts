/**
 * A small local stand-in for Anthropic's Messages API, so `examples/anthropic.ts` runs without a
 * key or network: `POST /v1/messages`, plain and streamed (Anthropic's events), a thinking block
 * when asked for `thinking`, and Anthropic's error shape for a wrong key or a missing
 * `anthropic-version`.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import { listenLocally } from "./listen-locally.js";

/** The key the local server accepts. */
export const LOCAL_ANTHROPIC_KEY = "sk-ant-local-demo";

function error(response: ServerResponse, status: number, type: string, message: string): void {
  response.writeHead(status, { "content-type": "application/json", "request-id": "req_local" });
  response.end(JSON.stringify({ type: "error", error: { type, message } }));
}

async function readJson(request: IncomingMessage): Promise<Record<string, unknown>> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return JSON.parse(Buffer.concat(chunks).toString("utf8") || "{}");
}

/** Echoes the last user message, whose content is a string or text blocks. */
function reply(body: Record<string, unknown>): string {
  const messages = (body.messages ?? []) as { role: string; content: unknown }[];
  const last = messages.findLast((message) => message.role === "user")?.content;
  const text = typeof last === "string" ? last : "your message";
  return `Hello from the local Anthropic stand-in! You said: "${text}". Set ANTHROPIC_API_KEY to talk to Claude.`;
}

async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
  if (request.method !== "POST" || request.url !== "/v1/messages") {
    return error(response, 404, "not_found_error", `Unknown path ${request.url}`);
  }
  if (request.headers["x-api-key"] !== LOCAL_ANTHROPIC_KEY) {
    return error(response, 401, "authentication_error", "invalid x-api-key");
  }
  if (request.headers["anthropic-version"] === undefined) {
    return error(response, 400, "invalid_request_error", "anthropic-version: header is required");
  }
  const body = await readJson(request);
  const text = reply(body);
  const thinking = body.thinking === undefined ? undefined : "The user wants a greeting back.";
  const signature = "bG9jYWwtc3RhbmQtaW4";
  const usage = { input_tokens: 12, output_tokens: text.split(" ").length };
  const message = {
    id: `msg_local${Date.now()}`,
    type: "message",
    role: "assistant",
    model: body.model,
    content: [] as unknown[],
    stop_reason: null as string | null,
    stop_sequence: null,
    usage: { ...usage, output_tokens: 1 },
  };
  if (body.stream !== true) {
    if (thinking !== undefined) message.content.push({ type: "thinking", thinking, signature });
    message.content.push({ type: "text", text });
    response.writeHead(200, { "content-type": "application/json" });
    response.end(JSON.stringify({ ...message, stop_reason: "end_turn", usage }));
    return;
  }
  response.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-cache" });
  const send = (data: Record<string, unknown>) =>
    response.write(`event: ${data.type}\ndata: ${JSON.stringify(data)}\n\n`);
  send({ type: "message_start", message });
  let index = 0;
  if (thinking !== undefined) {
    send({ type: "content_block_start", index, content_block: { type: "thinking", thinking: "" } });
    send({ type: "content_block_delta", index, delta: { type: "thinking_delta", thinking } });
    send({ type: "content_block_delta", index, delta: { type: "signature_delta", signature } });
    send({ type: "content_block_stop", index: index++ });
  }
  send({ type: "content_block_start", index, content_block: { type: "text", text: "" } });
  for (const word of text.match(/\S+\s*/g) ?? []) {
    await new Promise((resolve) => setTimeout(resolve, 25));
    send({ type: "content_block_delta", index, delta: { type: "text_delta", text: word } });
  }
  send({ type: "content_block_stop", index });
  send({ type: "message_delta", delta: { stop_reason: "end_turn", stop_sequence: null }, usage });
  send({ type: "message_stop" });
  response.end();
}

/** Starts the stand-in on 127.0.0.1 (a free port); returns its base URL and a way to stop it. */
export async function startLocalAnthropic(): Promise<{
  apiBase: string;
  close: () => Promise<void>;
}> {
  const { origin, close } = await listenLocally(handle, (response, cause) =>
    error(response, 500, "api_error", String(cause)),
  );
  return { apiBase: origin, close };
}
