import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import {
  APIConnectionError,
  APIError,
  AuthenticationError,
  BadRequestError,
  completion,
  createOpenAICompatibleProvider,
  listProviders,
  registerProvider,
} from "../src/index.js";
import { chatCompletionBody } from "./helpers/fixtures.js";
import { sendJson, startServer, type TestServer } from "./helpers/server.js";

const messages = [{ role: "user" as const, content: "Hi" }];
let server: TestServer;
let other: TestServer;

beforeAll(async () => {
  server = await startServer((_, response) => sendJson(response, 200, chatCompletionBody("ok")));
  other = await startServer((_, response) => sendJson(response, 200, chatCompletionBody("other")));
});
afterAll(async () => {
  await server.close();
  await other.close();
});
beforeEach(() => {
  for (const name of [
    "COMETAPI_KEY",
    "COMETAPI_API_KEY",
    "COMETAPI_BASE_URL",
    "COMETAPI_API_BASE",
    "OPENAI_API_KEY",
    "OPENAI_BASE_URL",
  ]) {
    vi.stubEnv(name, "");
  }
});
afterEach(() => {
  vi.unstubAllEnvs();
  server.requests.length = 0;
  other.requests.length = 0;
});

const lastAuthorization = (target: TestServer) => target.requests.at(-1)?.headers.authorization;

describe("cometapi key precedence", () => {
  it("apiKey wins over COMETAPI_KEY and COMETAPI_API_KEY", async () => {
    vi.stubEnv("COMETAPI_KEY", "from-key");
    vi.stubEnv("COMETAPI_API_KEY", "from-api-key");
    await completion({
      model: "cometapi/gpt-5",
      messages,
      apiKey: "explicit",
      apiBase: server.apiBase,
    });
    expect(lastAuthorization(server)).toBe("Bearer explicit");
  });

  it("COMETAPI_KEY wins over COMETAPI_API_KEY", async () => {
    vi.stubEnv("COMETAPI_KEY", "from-key");
    vi.stubEnv("COMETAPI_API_KEY", "from-api-key");
    await completion({ model: "cometapi/gpt-5", messages, apiBase: server.apiBase });
    expect(lastAuthorization(server)).toBe("Bearer from-key");
  });

  it("COMETAPI_API_KEY is used when it is the only one", async () => {
    vi.stubEnv("COMETAPI_API_KEY", "from-api-key");
    await completion({ model: "cometapi/gpt-5", messages, apiBase: server.apiBase });
    expect(lastAuthorization(server)).toBe("Bearer from-api-key");
  });

  it("no key: AuthenticationError naming the variables, before any request", async () => {
    const error = await completion({
      model: "cometapi/gpt-5",
      messages,
      apiBase: server.apiBase,
    }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(AuthenticationError);
    expect((error as Error).message).toContain("COMETAPI_KEY");
    expect((error as Error).message).toContain("COMETAPI_API_KEY");
    expect((error as Error).message).toContain("apiKey");
    expect((error as AuthenticationError).status).toBeUndefined();
    expect((error as AuthenticationError).isRetryable).toBe(false);
    expect(server.requests).toHaveLength(0);
  });
});

describe("cometapi base precedence and /v1", () => {
  it("apiBase wins over COMETAPI_BASE_URL", async () => {
    vi.stubEnv("COMETAPI_BASE_URL", other.apiBase);
    await completion({ model: "cometapi/gpt-5", messages, apiKey: "k", apiBase: server.apiBase });
    expect(server.requests).toHaveLength(1);
    expect(other.requests).toHaveLength(0);
  });

  it("COMETAPI_BASE_URL wins over COMETAPI_API_BASE", async () => {
    vi.stubEnv("COMETAPI_BASE_URL", server.apiBase);
    vi.stubEnv("COMETAPI_API_BASE", other.apiBase);
    await completion({ model: "cometapi/gpt-5", messages, apiKey: "k" });
    expect(server.requests).toHaveLength(1);
    expect(other.requests).toHaveLength(0);
  });

  it("COMETAPI_API_BASE is used when it is the only one", async () => {
    vi.stubEnv("COMETAPI_API_BASE", other.apiBase);
    await completion({ model: "cometapi/gpt-5", messages, apiKey: "k" });
    expect(other.requests).toHaveLength(1);
  });

  it.each([
    ["origin only", (origin: string) => origin, "/v1/chat/completions"],
    ["trailing slash", (origin: string) => `${origin}/`, "/v1/chat/completions"],
    ["with /v1/", (origin: string) => `${origin}/v1/`, "/v1/chat/completions"],
    ["a path without version", (origin: string) => `${origin}/api`, "/api/v1/chat/completions"],
    ["v1beta", (origin: string) => `${origin}/v1beta/openai`, "/v1beta/openai/chat/completions"],
    ["v2", (origin: string) => `${origin}/v2`, "/v2/chat/completions"],
  ])("normalizes a base with %s", async (_, base, path) => {
    await completion({
      model: "cometapi/gpt-5",
      messages,
      apiKey: "k",
      apiBase: base(server.origin),
    });
    expect(server.requests.at(-1)?.url).toBe(path);
  });

  it("rejects a base that is not an http URL, naming the variable", async () => {
    vi.stubEnv("COMETAPI_BASE_URL", "api.cometapi.com");
    await expect(completion({ model: "cometapi/gpt-5", messages, apiKey: "k" })).rejects.toThrow(
      /COMETAPI_BASE_URL "api\.cometapi\.com" is not an http\(s\) URL/,
    );
  });
});

describe("model prefixes", () => {
  it("no prefix: BadRequestError naming the known providers, before any request", async () => {
    const error = await completion({
      model: "gpt-5",
      messages,
      apiKey: "k",
      apiBase: server.apiBase,
    }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(BadRequestError);
    expect((error as Error).message).toContain('"cometapi/"');
    expect((error as Error).message).toContain("no provider prefix");
    expect(server.requests).toHaveLength(0);
  });

  it("unknown provider: BadRequestError naming it and the known ones", async () => {
    const error = await completion({
      model: "nope/gpt-5",
      messages,
      apiKey: "k",
      apiBase: server.apiBase,
    }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(BadRequestError);
    expect((error as Error).message).toContain('unknown provider "nope"');
    expect((error as Error).message).toContain('"openai/"');
    expect(server.requests).toHaveLength(0);
  });

  it("lists the built-in providers", () => {
    expect(listProviders()).toEqual(
      expect.arrayContaining(["cometapi", "openai", "openai_compatible"]),
    );
  });
});

describe("openai/ and openai_compatible/", () => {
  it("openai/ takes OPENAI_API_KEY and OPENAI_BASE_URL", async () => {
    vi.stubEnv("OPENAI_API_KEY", "sk-openai");
    vi.stubEnv("OPENAI_BASE_URL", server.apiBase);
    await completion({ model: "openai/gpt-4o", messages });
    expect(lastAuthorization(server)).toBe("Bearer sk-openai");
    expect(server.requests.at(-1)?.json?.model).toBe("gpt-4o");
  });

  it("openai/ without a key fails naming OPENAI_API_KEY", async () => {
    await expect(
      completion({ model: "openai/gpt-4o", messages, apiBase: server.apiBase }),
    ).rejects.toThrow(/OPENAI_API_KEY/);
    expect(server.requests).toHaveLength(0);
  });

  it("openai_compatible/ needs apiBase, and sends no authorization without a key", async () => {
    await expect(completion({ model: "openai_compatible/llama3", messages })).rejects.toThrow(
      /needs a base URL. Pass `apiBase`/,
    );
    await completion({ model: "openai_compatible/llama3", messages, apiBase: server.origin });
    expect(server.requests.at(-1)?.headers.authorization).toBeUndefined();
    expect(server.requests.at(-1)?.url).toBe("/v1/chat/completions");
    await completion({
      model: "openai_compatible/llama3",
      messages,
      apiBase: server.apiBase,
      apiKey: "local",
    });
    expect(lastAuthorization(server)).toBe("Bearer local");
  });
});

describe("registerProvider()", () => {
  it("adds a provider that completion() reaches by its prefix", async () => {
    registerProvider(
      createOpenAICompatibleProvider({
        id: "acme",
        defaultApiBase: other.apiBase,
        apiKeyEnv: ["ACME_KEY"],
        headers: { "x-acme": "yes" },
      }),
    );
    vi.stubEnv("ACME_KEY", "acme-key");
    const response = await completion({ model: "acme/big-model", messages });
    expect(response.choices[0]?.message.content).toBe("other");
    expect(other.requests.at(-1)?.headers.authorization).toBe("Bearer acme-key");
    expect(other.requests.at(-1)?.headers["x-acme"]).toBe("yes");
    expect(other.requests.at(-1)?.json?.model).toBe("big-model");
  });

  it("refuses an id with a slash", () => {
    expect(() => registerProvider(createOpenAICompatibleProvider({ id: "a/b" }))).toThrow(/id/);
  });
});

describe("a provider that cannot honour every parameter", () => {
  const limited = {
    ...createOpenAICompatibleProvider({ id: "limited", defaultApiBase: "http://127.0.0.1:9/v1" }),
    supportedParams: { chat: new Set(["temperature", "max_tokens", "stream_options"]) },
  };
  registerProvider(limited);
  const call = (extra: Record<string, unknown>) =>
    completion({
      model: "limited/m",
      messages,
      apiKey: "k",
      apiBase: server.apiBase,
      ...extra,
    } as never);

  it("a parameter it cannot honour is a BadRequestError naming it and the provider, before any request", async () => {
    const error = await call({ temperature: 0.5, logit_bias: { 1: 2 }, seed: 3 }).catch(
      (caught: unknown) => caught,
    );
    expect(error).toBeInstanceOf(BadRequestError);
    expect((error as Error).message).toContain("`logit_bias`, `seed`");
    expect((error as Error).message).toContain("limited/");
    expect((error as Error).message).toContain("dropParams");
    expect((error as BadRequestError).issues?.map((issue) => issue.path)).toEqual([
      "logit_bias",
      "seed",
    ]);
    expect(server.requests).toHaveLength(0);
  });

  it("with dropParams: true, it is left out of the body and the call goes on", async () => {
    await call({ temperature: 0.5, logit_bias: { 1: 2 }, dropParams: true });
    expect(server.requests[0]?.json).toMatchObject({ temperature: 0.5 });
    expect(server.requests[0]?.json).not.toHaveProperty("logit_bias");
    expect(server.requests[0]?.json).not.toHaveProperty("dropParams");
  });

  it("drop_params is pointed to dropParams", async () => {
    const error = await call({ drop_params: true }).catch((caught: unknown) => caught);
    expect((error as Error).message).toContain("`dropParams`");
  });
});

describe("an adapter that fails to map an answer", () => {
  const base = createOpenAICompatibleProvider({
    id: "buggy",
    defaultApiBase: "http://127.0.0.1:9/v1",
  });
  registerProvider({
    ...base,
    doMapResponse: () => {
      throw new TypeError("cannot read properties of undefined (reading 'content')");
    },
    doCreateStreamMapper: () => () => {
      throw new TypeError("no such block");
    },
  });

  it("is an APIError saying so, not a connection failure, and not retried", async () => {
    const error = await completion({
      model: "buggy/m",
      messages,
      apiKey: "sk-test-mapping",
      apiBase: server.apiBase,
      maxRetries: 2,
    }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(APIError);
    expect(error).not.toBeInstanceOf(APIConnectionError);
    expect((error as APIError).message).toContain("could not be mapped to OpenAI's shape");
    expect((error as APIError).isRetryable).toBe(false);
    expect(server.requests).toHaveLength(1);
  });

  it("in a stream too", async () => {
    server.handle((_, response) => {
      response.writeHead(200, { "content-type": "text/event-stream" });
      response.end(`data: ${JSON.stringify({ id: "x", choices: [] })}\n\n`);
    });
    const error = await completion({
      model: "buggy/m",
      messages,
      apiKey: "sk-test-mapping",
      apiBase: server.apiBase,
      stream: true,
      maxRetries: 2,
    }).catch((caught: unknown) => caught);
    server.handle((_, response) => sendJson(response, 200, chatCompletionBody("ok")));
    expect((error as APIError).message).toContain("no such block");
    expect(server.requests).toHaveLength(1);
  });
});

describe("null wire parameters", () => {
  it("are not refused by a provider that cannot honour them (null is OpenAI's 'not set')", async () => {
    registerProvider({
      ...createOpenAICompatibleProvider({ id: "strict", defaultApiBase: "http://127.0.0.1:9/v1" }),
      supportedParams: { chat: new Set(["temperature"]) },
    });
    await completion({
      model: "strict/m",
      messages,
      apiKey: "sk-test-mapping",
      apiBase: server.apiBase,
      seed: null,
      logprobs: null,
    } as never);
    expect(server.requests).toHaveLength(1);
  });
});
