/**
 * `responseFormat` through `gemini/` on recorded answers: `structured-output.body` (rig's
 * recording of an answer to a `responseJsonSchema` request) whole, and its text cut into the
 * `streamGenerateContent` events a stream of it would be (the text as recorded, the framing as
 * Gemini's streams frame it); `finish-safety.sse` (a stream the safety filter stopped) as a
 * refusal. Sources in fixtures/gemini/README.md.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { z } from "zod";
import { completion, registerProvider } from "../src/index.js";
import { gemini } from "../src/providers/gemini/gemini-provider.js";
import { fixtureJson, fixtureText } from "./fixtures/gemini/load-fixture.js";
import { sendEvents, sendJson, useTestServer } from "./helpers/server.js";

registerProvider(gemini);

const server = useTestServer();
beforeEach(() => {
  for (const name of ["GEMINI_API_KEY", "GOOGLE_API_KEY", "GEMINI_API_BASE"]) vi.stubEnv(name, "");
});
afterEach(() => vi.unstubAllEnvs());

const Event = z.object({ title: z.string(), category: z.string(), summary: z.string() });
const call = () => ({
  model: "gemini/gemini-3-flash-preview",
  messages: [{ role: "user" as const, content: "Describe the Seattle Rust meetup." }],
  apiKey: "AIzaSy-test-key-not-real-0123456789",
  apiBase: server.origin,
  maxRetries: 0,
  responseFormat: Event,
});

const recorded = fixtureJson("structured-output.body");
type Answer = { candidates: { content: { parts: { text: string }[] } }[] };
const recordedText = (recorded as Answer).candidates[0]!.content.parts[0]!.text;
const expected = JSON.parse(recordedText);

/** The recorded answer as a stream: its text in `pieces` events, the usage on the last. */
function streamOfRecorded(pieces: number): string {
  const size = Math.ceil(recordedText.length / pieces);
  const events: unknown[] = [];
  for (let start = 0; start < recordedText.length; start += size) {
    const last = start + size >= recordedText.length;
    events.push({
      candidates: [
        {
          content: { role: "model", parts: [{ text: recordedText.slice(start, start + size) }] },
          ...(last ? { finishReason: "STOP" } : {}),
          index: 0,
        },
      ],
      ...(last ? { usageMetadata: recorded.usageMetadata } : {}),
      modelVersion: recorded.modelVersion,
      responseId: recorded.responseId,
    });
  }
  return events.map((event) => `data: ${JSON.stringify(event)}\r\n\r\n`).join("");
}

describe("gemini/ with responseFormat", () => {
  it("parses the recorded answer, typed", async () => {
    server.handle((_, response) => sendJson(response, 200, recorded));
    const response = await completion(call());
    expect(response.choices[0]?.message.parsed).toEqual(expected);
    expect(response.choices[0]?.message.parsed?.title).toBe("Seattle Rust User Group Meetup");
  });

  it("streams it: partialObjects() grows to the answer, then final() parses", async () => {
    server.handle((_, response) => sendEvents(response, streamOfRecorded(12)));
    const stream = await completion({ ...call(), stream: true });
    const snapshots = [];
    for await (const snapshot of stream.partialObjects()) snapshots.push(snapshot);
    expect(snapshots.length).toBeGreaterThan(5);
    expect(snapshots.at(-1)).toEqual(expected);
    // The summary grows: each snapshot's is a beginning of the next one's.
    const summaries = snapshots.map((snapshot) => snapshot.summary ?? "");
    for (let index = 1; index < summaries.length; index++) {
      expect(summaries[index]?.startsWith(summaries[index - 1] ?? "")).toBe(true);
    }
    const final = await stream.final();
    expect(final.choices[0]?.message.parsed).toEqual(expected);
    expect(final.usage?.completion_tokens).toBeGreaterThan(0);
  });

  it("a stream the safety filter stopped is a refusal: parsed null, not a parse error", async () => {
    server.handle((_, response) => sendEvents(response, fixtureText("finish-safety.sse")));
    const stream = await completion({ ...call(), stream: true });
    const final = await stream.final();
    expect(final.choices[0]?.finish_reason).toBe("content_filter");
    expect(final.choices[0]?.message.parsed).toBeNull();
  });
});
