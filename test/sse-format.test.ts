/**
 * Server-sent events as the WHATWG spec parses them, with the bytes split at awkward places:
 * each case goes over the real local server, one network write per piece.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { completion, type ModelResponseStream } from "../src/index.js";
import { collect, contentOf, fetchReturning } from "./helpers/collect.js";
import { chunkBody } from "./helpers/fixtures.js";
import { splitAt, startEvents, useTestServer, writePieces } from "./helpers/server.js";

const messages = [{ role: "user" as const, content: "Hi" }];
const encoder = new TextEncoder();
const fixture = (name: string) => readFileSync(join(import.meta.dirname, "fixtures", name));
const server = useTestServer();

/** Streams `pieces` from the server, one write each, and returns what the client yields. */
async function streamPieces(
  pieces: readonly (string | Uint8Array)[],
): Promise<ModelResponseStream[]> {
  server.handle(async (_, response) => {
    startEvents(response);
    await writePieces(response, pieces);
    response.end();
  });
  return collect(
    await completion({
      model: "cometapi/gpt-5",
      messages,
      stream: true,
      apiKey: "k",
      apiBase: server.apiBase,
      maxRetries: 0,
    }),
  );
}

const a = JSON.stringify(chunkBody({ content: "A" }));
const b = JSON.stringify(chunkBody({ content: "B" }));

describe("SSE line ends and fields", () => {
  it.each([
    ["LF", "\n"],
    ["CR", "\r"],
    ["CRLF", "\r\n"],
  ])("parses %s line ends", async (_, end) => {
    const text = `data: ${a}${end}${end}data: ${b}${end}${end}data: [DONE]${end}${end}`;
    expect(contentOf(await streamPieces([text]))).toBe("AB");
  });

  it("splits between CR and LF", async () => {
    const text = `data: ${a}\r\n\r\ndata: ${b}\r\n\r\n`;
    const cut = text.indexOf("\r\n") + 1;
    const second = text.indexOf("\r\n", text.indexOf("data: {", 5)) + 1;
    expect(
      contentOf(
        await streamPieces([text.slice(0, cut), text.slice(cut, second), text.slice(second)]),
      ),
    ).toBe("AB");
  });

  it("skips comment lines and reads event: and id: fields", async () => {
    const text = `: keep-alive\n\nid: 1\nevent: message\ndata: ${a}\n\n:another comment\nretry: 1000\nid: 2\ndata: ${b}\n\n`;
    expect(contentOf(await streamPieces([text]))).toBe("AB");
  });

  it("joins several data: lines", async () => {
    const pretty = JSON.stringify(chunkBody({ content: "multi" }), null, 2).split("\n");
    const text = `${pretty.map((line) => `data: ${line}`).join("\n")}\n\ndata: [DONE]\n\n`;
    expect(contentOf(await streamPieces([text]))).toBe("multi");
  });

  it("splits inside `data:` and inside the JSON", async () => {
    const text = `data: ${a}\n\ndata: ${b}\n\n`;
    const pieces = [
      "da",
      "ta",
      ": {",
      text.slice(7, 40),
      text.slice(40, text.length - 3),
      text.slice(text.length - 3),
    ];
    expect(pieces.join("")).toBe(text);
    expect(contentOf(await streamPieces(pieces))).toBe("AB");
  });

  it("joins a UTF-8 character split between reads", async () => {
    const bytes = fixture("reasoning-multibyte.sse");
    const emoji = bytes.indexOf(Buffer.from("😀"));
    const kanji = bytes.indexOf(Buffer.from("数"));
    const chunks = await streamPieces(
      splitAt(bytes, [emoji + 1, emoji + 2, emoji + 3, kanji + 1, kanji + 2]),
    );
    expect(contentOf(chunks)).toBe("Résumé: 😀 emoji, 数学 done.");
    expect(chunks.map((chunk) => chunk.choices[0]?.delta.reasoning_content ?? "").join("")).toBe(
      "Let me think… 日本語 is fine.",
    );
  });

  it("sends every byte in its own read", async () => {
    const text = `data: ${JSON.stringify(chunkBody({ content: "é😀" }))}\r\n\r\ndata: [DONE]\r\n\r\n`;
    const bytes = encoder.encode(text);
    const pieces = Array.from(bytes, (byte) => Uint8Array.of(byte));
    const chunks = await completion({
      model: "cometapi/gpt-5",
      messages,
      stream: true,
      apiKey: "k",
      fetch: fetchReturning(pieces),
    }).then(collect);
    expect(contentOf(chunks)).toBe("é😀");
  });

  it("ignores anything after [DONE]", async () => {
    const text = `data: ${a}\n\ndata: [DONE]\n\ndata: ${b}\n\n`;
    expect(contentOf(await streamPieces([text]))).toBe("A");
  });
});

describe("random splits of a recorded stream", () => {
  const recorded = fixture("parallel-tool-calls.sse");
  const expected = recorded
    .toString("utf8")
    .split("\n\n")
    .filter((event) => event.startsWith("data: {"))
    .map((event) => JSON.parse(event.slice(6)));

  it("always give the same chunks (through the fetch seam)", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.integer({ min: 1, max: recorded.length - 1 }), { maxLength: 40 }),
        async (offsets) => {
          const chunks = await completion({
            model: "cometapi/gpt-4o",
            messages,
            stream: true,
            apiKey: "k",
            fetch: fetchReturning(splitAt(recorded, offsets)),
          }).then(collect);
          expect(chunks).toEqual(expected);
        },
      ),
      { numRuns: 200 },
    );
  });

  it("always give the same chunks (over the network)", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.integer({ min: 1, max: recorded.length - 1 }), { minLength: 1, maxLength: 12 }),
        async (offsets) => {
          expect(await streamPieces(splitAt(recorded, offsets))).toEqual(expected);
        },
      ),
      { numRuns: 15 },
    );
  });
});
