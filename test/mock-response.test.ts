import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { completion, type ModelResponseStream, streamChunkBuilder } from "../src/index.js";

const messages = [{ role: "user" as const, content: "Hi" }];

beforeEach(() => {
  vi.stubEnv("COMETAPI_KEY", "");
  vi.stubEnv("COMETAPI_API_KEY", "");
});
afterEach(() => vi.unstubAllEnvs());

describe("mockResponse", () => {
  it("answers a string without network or key", async () => {
    const response = await completion({
      model: "cometapi/gpt-5",
      messages,
      mockResponse: "Hello from the mock",
    });
    expect(response.object).toBe("chat.completion");
    expect(response.model).toBe("gpt-5");
    expect(response.choices[0]?.message).toEqual({
      role: "assistant",
      content: "Hello from the mock",
    });
    expect(response.choices[0]?.finish_reason).toBe("stop");
    expect(response.usage?.total_tokens).toBe(
      (response.usage?.prompt_tokens ?? 0) + (response.usage?.completion_tokens ?? 0),
    );
    expect(response._hidden_params.attempts).toBe(0);
  });

  it("throws a given Error as it is", async () => {
    const mine = new Error("mine");
    await expect(
      completion({ model: "cometapi/gpt-5", messages, mockResponse: mine }),
    ).rejects.toBe(mine);
  });

  it("streams in several chunks, ending with a usage chunk", async () => {
    const stream = await completion({
      model: "cometapi/gpt-5",
      messages,
      stream: true,
      mockResponse: "The quick brown fox",
    });
    const chunks: ModelResponseStream[] = [];
    for await (const chunk of stream) chunks.push(chunk);
    const contentChunks = chunks.filter((chunk) => chunk.choices[0]?.delta.content);
    expect(contentChunks.length).toBeGreaterThan(1);
    const last = chunks.at(-1)!;
    expect(last.choices).toEqual([]);
    expect(last.usage?.completion_tokens).toBeGreaterThan(0);
    expect(streamChunkBuilder(chunks).choices[0]?.message.content).toBe("The quick brown fox");
    expect(chunks.every((chunk) => chunk.object === "chat.completion.chunk")).toBe(true);
  });

  it("still validates the parameters", async () => {
    await expect(
      completion({ model: "cometapi/gpt-5", messages: [], mockResponse: "x" }),
    ).rejects.toThrow(/messages/);
  });

  it("honours an aborted signal", async () => {
    const controller = new AbortController();
    const reason = new Error("stop");
    controller.abort(reason);
    await expect(
      completion({
        model: "cometapi/gpt-5",
        messages,
        mockResponse: "x",
        signal: controller.signal,
      }),
    ).rejects.toBe(reason);
  });
});
