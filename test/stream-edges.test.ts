/**
 * The edges of a stream's wire format: error events of every shape, before and after the first
 * chunk; bodies that are empty, or hold events without data; malformed events, reported without
 * quoting their content.
 */
import { describe, expect, it } from "vitest";
import {
  APIError,
  completion,
  InternalServerError,
  RateLimitError,
  ServiceUnavailableError,
} from "../src/index.js";
import { collect, contentOf, readUntilError } from "./helpers/collect.js";
import { chunkBody, helloWorldStream } from "./helpers/fixtures.js";
import { sendEvents, startEvents, useTestServer, writeEvent } from "./helpers/server.js";

const messages = [{ role: "user" as const, content: "Hi" }];
const server = useTestServer();

const stream = (extra: Record<string, unknown> = {}) =>
  completion({
    model: "cometapi/gpt-5",
    messages,
    stream: true,
    apiKey: "k",
    apiBase: server.apiBase,
    maxRetries: 0,
    ...extra,
  });
const rejection = (promise: Promise<unknown>) =>
  promise.then(
    () => {
      throw new Error("expected the call to reject");
    },
    (error: unknown) => error,
  );

describe("an `event: error`, whatever its data", () => {
  it.each([
    ["null", "null", "the server sent an error"],
    ["a string", "upstream is on fire", "upstream is on fire"],
    ["a number", "42", "the server sent an error"],
    ["empty", "", "the server sent an error"],
  ])("as the first event, with %s data: rejects the call itself", async (_, data, shown) => {
    server.handle((_, response) => sendEvents(response, `event: error\ndata: ${data}\n\n`));
    const error = await rejection(stream());
    expect(error).toBeInstanceOf(APIError);
    expect((error as APIError).message).toContain(shown);
    expect((error as APIError).attempts).toBe(1);
  });

  it("after the first chunk, with string data: thrown from the iterator", async () => {
    server.handle((_, response) => {
      startEvents(response);
      writeEvent(response, chunkBody({ content: "one" }));
      response.end("event: error\ndata: lost the upstream\n\n");
    });
    const { seen, error } = await readUntilError(await stream());
    expect(seen).toEqual(["one"]);
    expect(error).toBeInstanceOf(APIError);
    expect((error as APIError).message).toContain("lost the upstream");
  });
});

describe("an error event before the first chunk fails the attempt", () => {
  const overloaded = `event: error\ndata: ${JSON.stringify({
    type: "error",
    error: { type: "overloaded_error", message: "Overloaded" },
  })}\n\n`;

  it("an overloaded first event is a retryable ServiceUnavailableError, retried", async () => {
    let calls = 0;
    server.handle((_, response) =>
      sendEvents(response, calls++ === 0 ? overloaded : helloWorldStream(), {
        "retry-after-ms": "0",
      }),
    );
    const result = await stream({ maxRetries: 2 });
    expect(contentOf(await collect(result))).toBe("Hello world");
    expect(result._hidden_params.attempts).toBe(2);
    expect(server.requests).toHaveLength(2);
  });

  it("every attempt overloaded: the call rejects after 1 + maxRetries, counted", async () => {
    server.handle((_, response) => sendEvents(response, overloaded, { "retry-after-ms": "0" }));
    const error = await rejection(stream({ maxRetries: 1 }));
    expect(error).toBeInstanceOf(ServiceUnavailableError);
    expect((error as APIError).isRetryable).toBe(true);
    expect((error as APIError).attempts).toBe(2);
  });

  it("a first `data: {error}` event with a numeric code: its class, retried when that is", async () => {
    let calls = 0;
    server.handle((_, response) => {
      if (calls++ > 0) return sendEvents(response, helloWorldStream());
      startEvents(response, { "retry-after-ms": "0" });
      writeEvent(response, { error: { message: "Rate limit reached", code: 429 } });
      response.end();
    });
    const result = await stream({ maxRetries: 1 });
    expect(contentOf(await collect(result))).toBe("Hello world");
    expect(result._hidden_params.attempts).toBe(2);
  });

  it("a first error event that is not retryable is not retried", async () => {
    server.handle((_, response) =>
      sendEvents(
        response,
        `data: ${JSON.stringify({ error: { message: "nope", code: 500 } })}\n\n`,
        {
          "x-should-retry": "false",
        },
      ),
    );
    const error = await rejection(stream({ maxRetries: 3 }));
    expect(error).toBeInstanceOf(InternalServerError);
    expect(server.requests).toHaveLength(1);
  });

  it("a rate limit mid-stream is thrown from the iterator, never retried", async () => {
    server.handle((_, response) => {
      startEvents(response);
      writeEvent(response, chunkBody({ content: "one" }));
      writeEvent(response, { error: { message: "slow down", code: 429 } });
      response.end();
    });
    const { error } = await readUntilError(await stream({ maxRetries: 3 }));
    expect(error).toBeInstanceOf(RateLimitError);
    expect(server.requests).toHaveLength(1);
  });
});

describe("bodies with no chunk", () => {
  it("an empty 200 stream body is an APIError, not a quiet empty stream", async () => {
    server.handle((_, response) => sendEvents(response, ""));
    const error = await rejection(stream());
    expect(error).toBeInstanceOf(APIError);
    expect((error as APIError).message).toContain("not a stream of server-sent events");
    expect((error as APIError).message).toContain("(empty body)");
    expect((error as APIError).isRetryable).toBe(false);
  });

  it("a body of blank lines only is an APIError too", async () => {
    server.handle((_, response) => sendEvents(response, "\n\n\n"));
    expect(await rejection(stream())).toBeInstanceOf(APIError);
  });

  it.each([
    ["events with no data: field", "event: ping\n\nid: 7\n\n"],
    ["comments only", ": keep-alive\n\n: keep-alive\n\n"],
    ["a retry field", "retry: 1000\n\n"],
    ["[DONE] alone", "data: [DONE]\n\n"],
  ])("%s: a valid stream with no chunk", async (_, body) => {
    server.handle((_, response) => sendEvents(response, body));
    expect(await collect(await stream())).toEqual([]);
  });
});

describe("a malformed event names the problem and where, not its content", () => {
  const secret = "the patient's diagnosis is confidential";

  it("an event that is not JSON", async () => {
    server.handle((_, response) => {
      startEvents(response);
      writeEvent(response, chunkBody({ content: "one" }));
      response.end(`data: {"oops": ${secret}\n\n`);
    });
    const { error } = await readUntilError(await stream());
    expect(error).toBeInstanceOf(APIError);
    const apiError = error as APIError;
    expect(apiError.message).toContain("event 2");
    expect(apiError.message).toContain(`${`{"oops": ${secret}`.length} characters`);
    expect(apiError.message).toContain("is not JSON");
    for (const shown of [apiError.message, String(apiError.stack), JSON.stringify(apiError)]) {
      expect(shown).not.toContain(secret);
    }
    // For a caller who asks, on a field that is not enumerable.
    expect(apiError.excerpt).toContain(secret);
    expect(Object.keys(apiError)).not.toContain("excerpt");
  });
});
