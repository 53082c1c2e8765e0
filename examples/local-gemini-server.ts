/**
 * A small local stand-in for Google's Gemini API, so examples/gemini.ts runs without a key:
 * `:generateContent` and `:streamGenerateContent?alt=sse` answer with what the user said, in
 * the shapes the real API sends, and any key but its own gets the real API's 400.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import { listenLocally } from "./listen-locally.js";

/** The key the local server accepts (in `x-goog-api-key`, as Gemini takes it). */
export const LOCAL_GEMINI_KEY = "local-gemini-key";

const INVALID_KEY = {
  error: {
    code: 400,
    message: "API key not valid. Please pass a valid API key.",
    status: "INVALID_ARGUMENT",
  },
};

function json(response: ServerResponse, status: number, body: unknown): void {
  response.writeHead(status, { "content-type": "application/json; charset=UTF-8" });
  response.end(JSON.stringify(body));
}

/** The last user text of a `generateContent` request. */
async function lastUserText(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  const body = JSON.parse(Buffer.concat(chunks).toString("utf8") || "{}");
  const turns: { role?: string; parts?: { text?: string }[] }[] = body.contents ?? [];
  const user = turns.findLast((turn) => turn.role === "user");
  return user?.parts?.map((part) => part.text ?? "").join("") || "your message";
}

async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
  if (request.headers["x-goog-api-key"] !== LOCAL_GEMINI_KEY)
    return json(response, 400, INVALID_KEY);
  const match = /^\/v1beta\/models\/([^:/]+):(generateContent|streamGenerateContent)/.exec(
    request.url ?? "",
  );
  if (match === null) {
    return json(response, 404, {
      error: { code: 404, message: `${request.url} is not found.`, status: "NOT_FOUND" },
    });
  }
  const text = `Hello from the local Gemini stand-in! You said: "${await lastUserText(request)}". Set GEMINI_API_KEY to talk to Gemini.`;
  const words = text.match(/\S+\s*/g) ?? [];
  const usageMetadata = {
    promptTokenCount: 8,
    candidatesTokenCount: words.length,
    totalTokenCount: 8 + words.length,
  };
  const event = (parts: { text: string }[], last: boolean) => ({
    candidates: [
      { content: { parts, role: "model" }, ...(last ? { finishReason: "STOP" } : {}), index: 0 },
    ],
    usageMetadata,
    modelVersion: match[1],
    responseId: `local-${Date.now().toString(36)}`,
  });
  if (match[2] === "generateContent") return json(response, 200, event([{ text }], true));
  response.writeHead(200, { "content-type": "text/event-stream" });
  for (const [index, word] of words.entries()) {
    response.write(
      `data: ${JSON.stringify(event([{ text: word }], index === words.length - 1))}\r\n\r\n`,
    );
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  response.end();
}

/** Starts the stand-in on a free port of 127.0.0.1; `apiBase` is its root, as Gemini's is. */
export async function startLocalGemini(): Promise<{ apiBase: string; close: () => Promise<void> }> {
  const { origin, close } = await listenLocally(handle, (response, error) =>
    json(response, 500, { error: { code: 500, message: String(error), status: "INTERNAL" } }),
  );
  return { apiBase: origin, close };
}
