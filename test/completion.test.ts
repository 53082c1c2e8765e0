import { HttpResponse, http } from "msw";
import { setupServer } from "msw/node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import packageJson from "../package.json" with { type: "json" };
import { acompletion, completion, VERSION } from "../src/index.js";
import { chatCompletionBody } from "./helpers/fixtures.js";
import { sendJson, useTestServer } from "./helpers/server.js";

const messages = [{ role: "user" as const, content: "Hi" }];
const server = useTestServer();

describe("completion() over the default undici transport", () => {
  it("sends OpenAI's request and returns the typed chat.completion", async () => {
    server.handle((_, response) =>
      sendJson(response, 200, chatCompletionBody("Hello there!"), { "x-request-id": "req_42" }),
    );
    const response = await completion({
      model: "cometapi/gpt-5",
      messages,
      apiKey: "sk-test-key",
      apiBase: server.apiBase,
      temperature: 0.2,
      max_tokens: 50,
      tool_choice: "auto",
      tools: [
        { type: "function", function: { name: "get_weather", parameters: { type: "object" } } },
      ],
      response_format: {
        type: "json_schema",
        json_schema: { name: "x", schema: { type: "object" } },
      },
      extraHeaders: { "X-Trace": "abc" },
      extraBody: { top_k: 40, temperature: 0.7 },
      timeout: 5000,
      maxRetries: 1,
    });

    expect(server.requests).toHaveLength(1);
    const request = server.requests[0]!;
    expect(request.method).toBe("POST");
    expect(request.url).toBe("/v1/chat/completions");
    expect(request.headers.authorization).toBe("Bearer sk-test-key");
    expect(request.headers["content-type"]).toBe("application/json");
    expect(request.headers["user-agent"]).toBe(`llmux/${packageJson.version}`);
    expect(request.headers["x-trace"]).toBe("abc");
    expect(request.json).toEqual({
      model: "gpt-5",
      messages,
      temperature: 0.7,
      max_tokens: 50,
      tool_choice: "auto",
      tools: [
        { type: "function", function: { name: "get_weather", parameters: { type: "object" } } },
      ],
      response_format: {
        type: "json_schema",
        json_schema: { name: "x", schema: { type: "object" } },
      },
      top_k: 40,
    });

    expect(response.choices[0]?.message.content).toBe("Hello there!");
    expect(response.choices[0]?.finish_reason).toBe("stop");
    expect(response.model).toBe("gpt-5-2025-08-07");
    expect(response.usage?.total_tokens).toBe(21);
    expect(JSON.parse(JSON.stringify(response))).toEqual(chatCompletionBody("Hello there!"));
    expect(Object.keys(response)).not.toContain("_hidden_params");
    expect(response._hidden_params).toMatchObject({
      provider: "cometapi",
      apiBase: server.apiBase,
      requestId: "req_42",
      attempts: 1,
    });
    expect(response._hidden_params.headers["x-request-id"]).toBe("req_42");
    expect(response._hidden_params.responseMs).toBeGreaterThan(0);
  });

  it("splits the model at the first slash only", async () => {
    server.handle((_, response) => sendJson(response, 200, chatCompletionBody("ok")));
    await completion({
      model: "cometapi/openai/gpt-4o",
      messages,
      apiKey: "k",
      apiBase: server.apiBase,
    });
    expect(server.requests[0]?.json?.model).toBe("openai/gpt-4o");
  });

  it("surfaces an upstream message.reasoning as reasoning_content and keeps unknown fields", async () => {
    server.handle((_, response) => {
      const body = chatCompletionBody("42", { provider_extra: { region: "eu" } });
      (body.choices[0]!.message as Record<string, unknown>).reasoning = "Six times seven.";
      sendJson(response, 200, body);
    });
    const response = await acompletion({
      model: "cometapi/deepseek-r1",
      messages,
      apiKey: "k",
      apiBase: server.apiBase,
    });
    expect(response.choices[0]?.message.reasoning_content).toBe("Six times seven.");
    expect(response.provider_extra).toEqual({ region: "eu" });
  });

  it("passes tool calls through", async () => {
    const toolCalls = [
      {
        id: "call_1",
        type: "function",
        function: { name: "get_weather", arguments: '{"city":"Paris"}' },
      },
    ];
    server.handle((_, response) => {
      const body = chatCompletionBody("");
      body.choices[0]!.message = {
        role: "assistant",
        content: null,
        tool_calls: toolCalls,
      } as never;
      body.choices[0]!.finish_reason = "tool_calls";
      sendJson(response, 200, body);
    });
    const response = await completion({
      model: "cometapi/gpt-5",
      messages: [
        { role: "system", content: "Be brief." },
        {
          role: "user",
          content: [
            { type: "text", text: "Weather?" },
            { type: "image_url", image_url: { url: "data:image/png;base64,AAAA" } },
          ],
        },
        { role: "assistant", content: null, tool_calls: toolCalls as never },
        { role: "tool", tool_call_id: "call_1", content: "sunny" },
      ],
      apiKey: "k",
      apiBase: server.apiBase,
    });
    expect(response.choices[0]?.message.tool_calls).toEqual(toolCalls);
    expect(response.choices[0]?.finish_reason).toBe("tool_calls");
  });

  it("sends stream: false when the caller sets it, and no camelCase option", async () => {
    server.handle((_, response) => sendJson(response, 200, chatCompletionBody("ok")));
    await completion({
      model: "cometapi/gpt-5",
      messages,
      stream: false,
      apiKey: "k",
      apiBase: server.apiBase,
      timeout: 1000,
      streamIdleTimeout: 1000,
      maxRetries: 0,
      signal: new AbortController().signal,
    });
    const body = server.requests[0]!.json!;
    expect(Object.keys(body).sort()).toEqual(["messages", "model", "stream"]);
    expect(body.stream).toBe(false);
  });

  it("exports the package version", () => {
    expect(VERSION).toBe(packageJson.version);
  });
});

describe("completion() through a caller's fetch (msw)", () => {
  const seen: { url: string; headers: Headers; body: unknown }[] = [];
  const mswServer = setupServer(
    http.post("https://api.cometapi.com/v1/chat/completions", async ({ request }) => {
      seen.push({ url: request.url, headers: request.headers, body: await request.json() });
      return HttpResponse.json(chatCompletionBody("From msw"), {
        headers: { "x-request-id": "msw_1" },
      });
    }),
  );
  beforeAll(() => mswServer.listen({ onUnhandledRequest: "error" }));
  afterAll(() => mswServer.close());

  it("maps the request and the answer the same way", async () => {
    const response = await completion({
      model: "cometapi/gpt-4o-mini",
      messages,
      apiKey: "sk-msw",
      fetch: globalThis.fetch,
      seed: 7,
      extraBody: { custom: true },
      extraHeaders: { "x-extra": "1" },
    });
    expect(seen).toHaveLength(1);
    expect(seen[0]?.url).toBe("https://api.cometapi.com/v1/chat/completions");
    expect(seen[0]?.headers.get("authorization")).toBe("Bearer sk-msw");
    expect(seen[0]?.headers.get("user-agent")).toBe(`llmux/${packageJson.version}`);
    expect(seen[0]?.headers.get("x-extra")).toBe("1");
    expect(seen[0]?.body).toEqual({ model: "gpt-4o-mini", messages, seed: 7, custom: true });
    expect(response.choices[0]?.message.content).toBe("From msw");
    expect(response._hidden_params.requestId).toBe("msw_1");
  });
});
