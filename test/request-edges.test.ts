/**
 * What a careless caller can hand llmux that HTTP cannot carry, found before any request: a
 * query or fragment in `apiBase`, control characters in the key or a header, a header name that
 * is not a token, an `extraBody` JSON cannot hold.
 */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { BadRequestError, completion, embedding } from "../src/index.js";
import { chatCompletionBody } from "./helpers/fixtures.js";
import { sendJson, useTestServer } from "./helpers/server.js";

const messages = [{ role: "user" as const, content: "Hi" }];
const server = useTestServer();
beforeEach(() => server.handle((_, response) => sendJson(response, 200, chatCompletionBody("ok"))));

const call = (extra: Record<string, unknown> = {}) =>
  completion({
    model: "cometapi/gpt-5",
    messages,
    apiKey: "k",
    apiBase: server.apiBase,
    ...extra,
  } as never);

/** The call fails with a BadRequestError before any request (and with nothing retried). */
async function refusedBeforeAnyRequest(promise: Promise<unknown>): Promise<BadRequestError> {
  const error = await promise.then(
    () => {
      throw new Error("expected the call to fail");
    },
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(BadRequestError);
  expect((error as BadRequestError).attempts).toBe(0);
  expect((error as BadRequestError).isRetryable).toBe(false);
  expect(server.requests).toHaveLength(0);
  return error as BadRequestError;
}

afterEach(() => {
  delete process.env.COMETAPI_KEY;
  delete process.env.COMETAPI_BASE_URL;
});

describe("a query string in apiBase is kept, after the endpoint's path", () => {
  it("for a completion", async () => {
    await call({ apiBase: `${server.apiBase}?api-version=2024-10-21` });
    expect(server.requests[0]?.url).toBe("/v1/chat/completions?api-version=2024-10-21");
  });

  it("for a base without a version segment, and with a trailing slash", async () => {
    await call({ apiBase: `${server.origin}/openai/?api-version=2024-10-21&x=1` });
    expect(server.requests[0]?.url).toBe("/openai/v1/chat/completions?api-version=2024-10-21&x=1");
  });

  it("from the environment, for another endpoint", async () => {
    process.env.COMETAPI_BASE_URL = `${server.apiBase}?api-version=1`;
    server.handle((_, response) =>
      sendJson(response, 200, { object: "list", data: [{ embedding: [1], index: 0 }] }),
    );
    await embedding({ model: "cometapi/text-embedding-3-small", input: "x", apiKey: "k" });
    expect(server.requests[0]?.url).toBe("/v1/embeddings?api-version=1");
  });

  it("_hidden_params.apiBase is the base without the query", async () => {
    const response = await call({ apiBase: `${server.apiBase}?api-version=1` });
    expect(response).toHaveProperty("_hidden_params.apiBase", server.apiBase);
  });
});

describe("refused before any request", () => {
  it("a fragment in apiBase", async () => {
    const error = await refusedBeforeAnyRequest(call({ apiBase: `${server.apiBase}#section` }));
    expect(error.message).toContain("apiBase");
    expect(error.message).toContain("fragment");
    expect(error.issues?.[0]?.path).toBe("apiBase");
  });

  it.each([
    ["a trailing newline", "sk-abc123\n"],
    ["a CR LF inside", "sk-abc\r\nx-injected: 1"],
    ["a NUL", "sk-abc\u0000def"],
  ])("apiKey with %s: names apiKey, never echoes it", async (_, apiKey) => {
    const error = await refusedBeforeAnyRequest(call({ apiKey }));
    expect(error.message).toContain("apiKey");
    expect(error.message).not.toContain("sk-abc");
    expect(JSON.stringify(error)).not.toContain("sk-abc");
    expect(error.issues?.[0]?.path).toBe("apiKey");
  });

  it("a key from the environment with a trailing newline names the variable", async () => {
    process.env.COMETAPI_KEY = "sk-from-a-file\n";
    const error = await refusedBeforeAnyRequest(
      completion({ model: "cometapi/gpt-5", messages, apiBase: server.apiBase }),
    );
    expect(error.message).toContain("COMETAPI_KEY");
    expect(error.message).not.toContain("sk-from-a-file");
  });

  it.each([
    ["a value with LF", { "x-trace": "a\nb" }, 'extraHeaders["x-trace"]'],
    ["a value with NUL", { "x-trace": "a\u0000b" }, 'extraHeaders["x-trace"]'],
    ["a name with a space", { "x trace": "1" }, 'extraHeaders["x trace"]'],
    ["a name with a colon", { "x-trace:": "1" }, 'extraHeaders["x-trace:"]'],
    ["an empty name", { "": "1" }, 'extraHeaders[""]'],
  ])("extraHeaders with %s: names the header", async (_, extraHeaders, path) => {
    const error = await refusedBeforeAnyRequest(call({ extraHeaders }));
    expect(error.message).toContain(path);
    expect(error.issues?.[0]?.path).toBe(path);
  });

  it("an extraBody with a cycle: names the key", async () => {
    const cyclic: Record<string, unknown> = { a: 1 };
    cyclic.self = cyclic;
    const error = await refusedBeforeAnyRequest(call({ extraBody: { top_k: 40, loop: cyclic } }));
    expect(error.message).toContain("extraBody.loop");
    expect(error.issues?.[0]?.path).toBe("extraBody.loop");
  });

  it("an extraBody with a BigInt: names the key and the fix", async () => {
    const error = await refusedBeforeAnyRequest(call({ extraBody: { seed: 10n } }));
    expect(error.message).toContain("extraBody.seed");
    expect(error.message).toContain("BigInt");
  });

  it("a metadata value that is a BigInt (a wire parameter) is named too", async () => {
    const error = await refusedBeforeAnyRequest(call({ metadata: { n: 1n } }));
    expect(error.issues?.[0]?.path).toMatch(/^metadata/);
  });
});

describe("headers that are fine are sent", () => {
  it("tabs and Latin-1 characters in a value, and token names", async () => {
    await call({ extraHeaders: { "X-Trace_ID.v2": "a\tb", "x-note": "caf\u00e9" } });
    expect(server.requests[0]?.headers["x-trace_id.v2"]).toBe("a\tb");
  });
});
