/**
 * A small local stand-in for CometAPI's OpenAI-compatible API, so the demo and examples run
 * without a key or network: chat completions (plain and streamed), embeddings, models, a 401
 * for any key but its own, and an overloaded deployment (a 503 for everything under
 * `/overloaded/`) for the Router's examples.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import { listenLocally } from "./listen-locally.js";

/** The key the local server accepts. */
export const LOCAL_API_KEY = "sk-local-demo";

function json(response: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  response.writeHead(status, {
    "content-type": "application/json",
    "x-request-id": `req_local_${Date.now().toString(36)}`,
  });
  response.end(text);
}

async function readJson(request: IncomingMessage): Promise<Record<string, unknown>> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return JSON.parse(Buffer.concat(chunks).toString("utf8") || "{}");
}

function reply(body: Record<string, unknown>): string {
  const messages = (body.messages ?? []) as { role: string; content: unknown }[];
  const last = [...messages].reverse().find((message) => message.role === "user");
  const text = typeof last?.content === "string" ? last.content : "your message";
  return `Hello from the local CometAPI stand-in! You said: "${text}". Set COMETAPI_KEY to talk to a real model.`;
}

async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
  if (request.url?.startsWith("/overloaded/")) {
    json(response, 503, {
      error: {
        message: "The model is overloaded. Please try again later.",
        type: "server_error",
        code: "overloaded",
        param: null,
      },
    });
    return;
  }
  if (request.headers.authorization !== `Bearer ${LOCAL_API_KEY}`) {
    json(response, 401, {
      error: {
        message:
          "Incorrect API key provided. You can find your API key at https://api.cometapi.com/console/token.",
        type: "invalid_request_error",
        code: "invalid_api_key",
        param: null,
      },
    });
    return;
  }
  if (request.method === "GET" && request.url === "/v1/models") {
    json(response, 200, {
      object: "list",
      data: ["gpt-5", "gpt-4o-mini", "claude-sonnet-4-5", "text-embedding-3-small"].map((id) => ({
        id,
        object: "model",
        created: 1_750_000_000,
        owned_by: "cometapi",
      })),
    });
    return;
  }
  const body = await readJson(request);
  const model = String(body.model);
  const created = Math.floor(Date.now() / 1000);
  if (request.url === "/v1/embeddings") {
    const inputs = Array.isArray(body.input) ? body.input : [body.input];
    json(response, 200, {
      object: "list",
      model,
      data: inputs.map((input, index) => ({
        object: "embedding",
        index,
        embedding: Array.from({ length: 8 }, (_, i) => Math.sin(String(input).length + i)),
      })),
      usage: { prompt_tokens: inputs.length, total_tokens: inputs.length },
    });
    return;
  }
  if (request.url === "/v1/images/generations") {
    json(response, 200, {
      created,
      data: [
        { url: "https://example.com/local-stand-in.png", revised_prompt: String(body.prompt) },
      ],
    });
    return;
  }
  if (request.url !== "/v1/chat/completions") {
    json(response, 404, { error: { message: `Unknown path ${request.url}`, type: "not_found" } });
    return;
  }
  const text = reply(body);
  const usage = {
    prompt_tokens: 12,
    completion_tokens: text.split(" ").length,
    total_tokens: 12 + text.split(" ").length,
  };
  if (body.stream !== true) {
    json(response, 200, {
      id: `chatcmpl-local${created}`,
      object: "chat.completion",
      created,
      model,
      choices: [{ index: 0, message: { role: "assistant", content: text }, finish_reason: "stop" }],
      usage,
    });
    return;
  }
  response.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-cache" });
  const chunk = (delta: Record<string, unknown>, finish: string | null) => ({
    id: `chatcmpl-local${created}`,
    object: "chat.completion.chunk",
    created,
    model,
    choices: [{ index: 0, delta, finish_reason: finish }],
  });
  const send = (data: unknown) => response.write(`data: ${JSON.stringify(data)}\n\n`);
  send(chunk({ role: "assistant", content: "" }, null));
  for (const word of text.match(/\S+\s*/g) ?? []) {
    await new Promise((resolve) => setTimeout(resolve, 25));
    send(chunk({ content: word }, null));
  }
  send(chunk({}, "stop"));
  send({
    id: `chatcmpl-local${created}`,
    object: "chat.completion.chunk",
    created,
    model,
    choices: [],
    usage,
  });
  response.end("data: [DONE]\n\n");
}

/**
 * Starts the stand-in on 127.0.0.1 (a free port); returns its base URL, the base URL of a
 * deployment that always answers 503 "overloaded", and a way to stop it.
 */
export async function startLocalCometAPI(): Promise<{
  apiBase: string;
  overloadedApiBase: string;
  close: () => Promise<void>;
}> {
  const { origin, close } = await listenLocally(handle, (response, error) =>
    json(response, 500, { error: { message: String(error), type: "server_error" } }),
  );
  return { apiBase: `${origin}/v1`, overloadedApiBase: `${origin}/overloaded/v1`, close };
}
