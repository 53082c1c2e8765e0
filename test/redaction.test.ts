/**
 * The API key never shows in an error: not in its message, stack, fields, body, headers, cause
 * chain, `JSON.stringify` or `util.inspect`, wherever it came from (a server echoing it, a body
 * that is not JSON, an undici error, a caller's `fetch`), and however short it is.
 */
import { inspect } from "node:util";
import { MockAgent } from "undici";
import { describe, expect, it } from "vitest";
import { APIConnectionError, type APIError, completion, LLMError, Router } from "../src/index.js";
import { collect } from "./helpers/collect.js";
import { chunkBody } from "./helpers/fixtures.js";
import { sendJson, startEvents, useTestServer, writeEvent } from "./helpers/server.js";

const messages = [{ role: "user" as const, content: "Hi" }];
const server = useTestServer();

/** Everything an error can show, as text. */
function everythingShown(error: unknown): string[] {
  const shown = [String(error), inspect(error, { depth: 20, showHidden: true })];
  if (error instanceof Error) shown.push(error.message, String(error.stack), JSON.stringify(error));
  if (error instanceof LLMError) {
    const api = error as APIError;
    shown.push(
      JSON.stringify([api.code, api.type, api.param, api.requestId, api.body, api.headers]),
    );
    for (let cause = error.cause; cause !== undefined; cause = (cause as Error).cause) {
      shown.push(inspect(cause, { depth: 20, showHidden: true }), String(cause));
      if (!(cause instanceof Error)) break;
    }
  }
  return shown;
}

function expectNoKey(error: unknown, apiKey: string): void {
  expect(error).toBeInstanceOf(LLMError);
  for (const text of everythingShown(error)) expect(text).not.toContain(apiKey);
}

const call = (apiKey: string, extra: Record<string, unknown> = {}) =>
  completion({
    model: "cometapi/gpt-5",
    messages,
    apiKey,
    apiBase: server.apiBase,
    maxRetries: 0,
    ...extra,
  }).catch((error: unknown) => error);

const echoedKey = (authorization: string | undefined) => String(authorization).slice(7);

describe("the API key never shows in an error", () => {
  it("echoed by the server in the error's code, type and param", async () => {
    const apiKey = "sk-live-echo-0123456789";
    server.handle((request, response) => {
      const key = echoedKey(request.headers.authorization);
      sendJson(
        response,
        401,
        { error: { message: `bad key ${key}`, code: `key_${key}`, type: key, param: key } },
        { "x-request-id": `req-${key}`, "x-echo": key },
      );
    });
    const error = (await call(apiKey)) as APIError;
    expect(error.code).toBe("key_[REDACTED]");
    expect(error.type).toBe("[REDACTED]");
    expect(error.param).toBe("[REDACTED]");
    expect(error.requestId).toBe("req-[REDACTED]");
    expectNoKey(error, apiKey);
  });

  it("quoted by the SyntaxError of a 200 body that is not JSON (the cause chain)", async () => {
    // V8 quotes a short body whole in its message (a longer one is cut after 10 characters).
    const apiKey = "sk-syntax-0123456789";
    server.handle((request, response) => {
      response.writeHead(200, { "content-type": "application/json" });
      response.end(echoedKey(request.headers.authorization));
    });
    expectNoKey(await call(apiKey), apiKey);
  });

  it("quoted in an in-stream error event", async () => {
    const apiKey = "sk-live-stream-0123456789";
    server.handle((request, response) => {
      const key = echoedKey(request.headers.authorization);
      startEvents(response);
      writeEvent(response, chunkBody({ content: "one" }));
      writeEvent(response, { error: { message: `denied for ${key}`, code: key, type: key } });
      response.end();
    });
    const stream = await completion({
      model: "cometapi/gpt-5",
      messages,
      apiKey,
      apiBase: server.apiBase,
      stream: true,
    });
    expectNoKey(await collect(stream).catch((error: unknown) => error), apiKey);
  });

  it("quoted by undici's MockAgent when no interceptor matches the headers", async () => {
    const apiKey = "sk-live-mock-0123456789";
    const dispatcher = new MockAgent();
    dispatcher.disableNetConnect();
    dispatcher
      .get("http://mock.test")
      .intercept({
        path: "/v1/chat/completions",
        method: "POST",
        headers: { authorization: "Bearer another" },
      })
      .reply(200, "{}");
    const error = await call(apiKey, { apiBase: "http://mock.test/v1", dispatcher });
    await dispatcher.close();
    expect(error).toBeInstanceOf(APIConnectionError);
    expect(String((error as Error).cause)).toContain("not matched");
    expectNoKey(error, apiKey);
  });

  it("quoted by a caller's fetch in the error it throws", async () => {
    const apiKey = "sk-live-fetch-0123456789";
    const fetch = async (_url: string, init: RequestInit) => {
      const cause = new Error(`socket said ${JSON.stringify(init.headers)}`);
      throw Object.assign(new TypeError("fetch failed", { cause }), { headers: init.headers });
    };
    const error = await call(apiKey, { fetch });
    expect(error).toBeInstanceOf(APIConnectionError);
    expect(((error as Error).cause as Error).name).toBe("TypeError");
    expectNoKey(error, apiKey);
  });

  it.each([
    ["3 characters", "k3y"],
    // Not a letter: a stack's file paths (a CI clone in /tmp/tmp.XXXX) would hold it.
    ["1 character", "~"],
  ])("however short the key (%s)", async (_, apiKey) => {
    server.handle((request, response) =>
      sendJson(response, 401, {
        error: {
          message: `Incorrect API key provided: ${echoedKey(request.headers.authorization)}`,
        },
      }),
    );
    const error = (await call(apiKey)) as APIError;
    expect(error.message).toContain("[REDACTED]");
    expectNoKey(error, apiKey);
  });

  it("where an excerpt of an HTML page would cut the echoed key in half", async () => {
    const apiKey = "sk-live-cut-0123456789abcdef";
    server.handle((request, response) => {
      response.writeHead(502, { "content-type": "text/html" });
      // The readable excerpt is 300 characters: the key starts just before the cut.
      response.end(`<p>${"x".repeat(290)} ${echoedKey(request.headers.authorization)}</p>`);
    });
    const error = await call(apiKey);
    expectNoKey(error, apiKey);
    expect(JSON.stringify(error)).not.toContain("sk-live-cu");
  });

  it("where the start of a stream body kept for its message ends inside the key", async () => {
    const apiKey = "sk-live-start-0123456789abcdef";
    server.handle((request, response) => {
      response.writeHead(200, { "content-type": "text/event-stream" });
      // Not a stream: its first 1000 characters are kept, and the key straddles that point.
      response.end(`${"y".repeat(990)}${echoedKey(request.headers.authorization)}`);
    });
    const error = await completion({
      model: "cometapi/gpt-5",
      messages,
      apiKey,
      apiBase: server.apiBase,
      stream: true,
      maxRetries: 0,
    }).catch((caught: unknown) => caught);
    expectNoKey(error, apiKey);
    expect(inspect(error, { depth: 20, showHidden: true })).not.toContain("sk-live-st");
  });

  it("nested deeper than any search goes in a body", async () => {
    const apiKey = "sk-live-deep-0123456789";
    server.handle((request, response) => {
      let nested: unknown = { key: echoedKey(request.headers.authorization) };
      for (let depth = 0; depth < 12; depth++) nested = { inner: nested };
      sendJson(response, 401, { error: { message: "denied", details: nested } });
    });
    expectNoKey(await call(apiKey), apiKey);
  });

  it("in an error a Router throws after every try", async () => {
    const apiKey = "sk-live-router-0123456789";
    server.handle((request, response) =>
      sendJson(response, 500, {
        error: { message: `failed for ${echoedKey(request.headers.authorization)}` },
      }),
    );
    const router = new Router({
      modelList: [
        { modelName: "g", params: { model: "cometapi/gpt-5", apiKey, apiBase: server.apiBase } },
      ],
      numRetries: 0,
    });
    const error = await router
      .completion({ model: "g", messages })
      .catch((caught: unknown) => caught);
    expectNoKey(error, apiKey);
  });

  it("leaves the caller's own error object untouched", async () => {
    const apiKey = "sk-live-original-0123456789";
    const original = new TypeError(`refused with ${apiKey}`);
    const error = await call(apiKey, {
      fetch: async () => {
        throw original;
      },
    });
    expectNoKey(error, apiKey);
    expect(original.message).toContain(apiKey);
  });
});
