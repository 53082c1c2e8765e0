import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { completion, type ModelResponseStream, streamChunkBuilder } from "../src/index.js";
import { collect } from "./helpers/collect.js";
import { chunkBody } from "./helpers/fixtures.js";
import { sendEvents, sendJson, useTestServer } from "./helpers/server.js";

const fixture = (name: string) => readFileSync(join(import.meta.dirname, "fixtures", name), "utf8");
const messages = [{ role: "user" as const, content: "Weather in Paris and Tokyo?" }];
const server = useTestServer();

describe("streamChunkBuilder", () => {
  it("rebuilds the non-streamed answer from a recorded parallel-tool-call stream", async () => {
    server.handle((request, response) => {
      if (request.json?.stream === true) {
        sendEvents(response, fixture("parallel-tool-calls.sse"));
      } else {
        sendJson(response, 200, JSON.parse(fixture("parallel-tool-calls.json")));
      }
    });
    const options = { model: "cometapi/gpt-4o", messages, apiKey: "k", apiBase: server.apiBase };
    const chunks = await collect(await completion({ ...options, stream: true }));
    const plain = await completion(options);
    const rebuilt = streamChunkBuilder(chunks, messages);
    expect(JSON.parse(JSON.stringify(rebuilt))).toEqual(JSON.parse(JSON.stringify(plain)));
    expect(rebuilt.choices[0]?.message.tool_calls?.map((call) => call.id)).toEqual([
      "call_paris01",
      "call_tokyo02",
    ]);
  });

  it("joins content and reasoning per choice and keeps the last finish_reason", () => {
    const chunks: ModelResponseStream[] = [
      { ...chunkBody({ role: "assistant", content: "" }), id: "", model: "" },
      chunkBody({ reasoning_content: "Hmm, " }),
      chunkBody({ reasoning_content: "yes." }),
      chunkBody({ content: "Hel" }),
      chunkBody({ content: "lo" }),
      {
        ...chunkBody({ content: "Other" }),
        choices: [{ index: 1, delta: { content: "Other" }, finish_reason: "length" }],
      },
      chunkBody({}, "stop"),
      chunkBody({}, null),
    ] as ModelResponseStream[];
    const rebuilt = streamChunkBuilder(chunks);
    expect(rebuilt.id).toBe("chatcmpl-stream1");
    expect(rebuilt.model).toBe("gpt-5-2025-08-07");
    expect(rebuilt.object).toBe("chat.completion");
    expect(rebuilt.choices).toHaveLength(2);
    expect(rebuilt.choices[0]?.message).toEqual({
      role: "assistant",
      content: "Hello",
      reasoning_content: "Hmm, yes.",
    });
    expect(rebuilt.choices[0]?.finish_reason).toBe("stop");
    expect(rebuilt.choices[1]?.message.content).toBe("Other");
    expect(rebuilt.choices[1]?.finish_reason).toBe("length");
    expect(rebuilt.usage).toBeUndefined();
  });

  it("gives null content for a stream without text", () => {
    expect(
      streamChunkBuilder([chunkBody({ role: "assistant" }, "stop") as ModelResponseStream])
        .choices[0]?.message.content,
    ).toBeNull();
  });
});
