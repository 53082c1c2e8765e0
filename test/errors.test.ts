import { inspect } from "node:util";
import { describe, expect, it } from "vitest";
import {
  APIError,
  AuthenticationError,
  BadGatewayError,
  BadRequestError,
  ContentPolicyViolationError,
  ContextWindowExceededError,
  completion,
  InternalServerError,
  LLMError,
  NotFoundError,
  PermissionDeniedError,
  RateLimitError,
  ServiceUnavailableError,
  TimeoutError,
  UnprocessableEntityError,
} from "../src/index.js";
import { sendJson, useTestServer } from "./helpers/server.js";

const messages = [{ role: "user" as const, content: "Hi" }];
const API_KEY = "sk-secret-1234567890abcdef";
const server = useTestServer();

const call = () =>
  completion({
    model: "cometapi/gpt-5",
    messages,
    apiKey: API_KEY,
    apiBase: server.apiBase,
    maxRetries: 0,
  }).catch((error: unknown) => error);

const openAIError = (
  message: string,
  type = "invalid_request_error",
  code: string | null = null,
) => ({
  error: { message, type, param: null, code },
});

describe("status -> error class", () => {
  it.each([
    [400, BadRequestError, false],
    [401, AuthenticationError, false],
    [403, PermissionDeniedError, false],
    [404, NotFoundError, false],
    [408, TimeoutError, true],
    [409, APIError, true],
    [422, UnprocessableEntityError, false],
    [429, RateLimitError, true],
    [500, InternalServerError, true],
    [501, InternalServerError, true],
    [502, BadGatewayError, true],
    [503, ServiceUnavailableError, true],
    [504, TimeoutError, true],
    [418, APIError, false],
  ] as const)("%i is a %o", async (status, ErrorClass, retryable) => {
    server.handle((_, response) =>
      sendJson(response, status, openAIError(`the server says ${status}`), {
        "x-request-id": `req_${status}`,
      }),
    );
    const error = (await call()) as APIError;
    expect(error).toBeInstanceOf(ErrorClass);
    expect(error).toBeInstanceOf(APIError);
    expect(error).toBeInstanceOf(LLMError);
    expect(error.name).toBe(ErrorClass.name);
    expect(error.status).toBe(status);
    expect(error.isRetryable).toBe(retryable);
    expect(error.requestId).toBe(`req_${status}`);
    expect(error.provider).toBe("cometapi");
    expect(error.model).toBe("gpt-5");
    expect(error.type).toBe("invalid_request_error");
    expect(error.attempts).toBe(1);
    expect(error.message).toContain("cometapi/gpt-5");
    expect(error.message).toContain(String(status));
    expect(error.message).toContain(`the server says ${status}`);
    expect(error.message).toContain(`req_${status}`);
    expect(error.headers?.["x-request-id"]).toBe(`req_${status}`);
    expect(error.body).toEqual(openAIError(`the server says ${status}`));
  });

  it.each([
    "This model's maximum context length is 128000 tokens. However, your messages resulted in 130000 tokens.",
    "context_length_exceeded",
    "Request has too many tokens",
  ])("a 400 about the context length is a ContextWindowExceededError: %s", async (message) => {
    server.handle((_, response) =>
      sendJson(
        response,
        400,
        openAIError(message, "invalid_request_error", "context_length_exceeded"),
      ),
    );
    const error = (await call()) as APIError;
    expect(error).toBeInstanceOf(ContextWindowExceededError);
    expect(error).toBeInstanceOf(BadRequestError);
    expect(error.code).toBe("context_length_exceeded");
    expect(error.isRetryable).toBe(false);
  });

  it("a 400 whose code alone names the cause gets that class", async () => {
    server.handle((_, response) =>
      sendJson(
        response,
        400,
        openAIError("Invalid request.", "invalid_request_error", "context_length_exceeded"),
      ),
    );
    expect(await call()).toBeInstanceOf(ContextWindowExceededError);
    server.handle((_, response) =>
      sendJson(
        response,
        400,
        openAIError("Invalid request.", "invalid_request_error", "content_filter"),
      ),
    );
    expect(await call()).toBeInstanceOf(ContentPolicyViolationError);
  });

  it("a 400 about the content policy is a ContentPolicyViolationError", async () => {
    server.handle((_, response) =>
      sendJson(
        response,
        400,
        openAIError("Your request was rejected as a result of our safety system."),
      ),
    );
    const error = await call();
    expect(error).toBeInstanceOf(ContentPolicyViolationError);
    expect(error).toBeInstanceOf(BadRequestError);
  });

  it("JSON.stringify(error) keeps the name, the message and the fields", async () => {
    server.handle((_, response) =>
      sendJson(response, 429, openAIError("slow down"), { "x-request-id": "req_json" }),
    );
    const json = JSON.parse(JSON.stringify(await call()));
    expect(json).toMatchObject({
      name: "RateLimitError",
      message: expect.stringContaining("slow down"),
      status: 429,
      requestId: "req_json",
      provider: "cometapi",
      model: "gpt-5",
      isRetryable: true,
      attempts: 1,
    });
  });

  it("x-should-retry overrides the status's retryability", async () => {
    server.handle((_, response) =>
      sendJson(response, 400, openAIError("try again"), { "x-should-retry": "true" }),
    );
    expect(((await call()) as APIError).isRetryable).toBe(true);
    server.handle((_, response) =>
      sendJson(response, 503, openAIError("no"), { "x-should-retry": "false" }),
    );
    expect(((await call()) as APIError).isRetryable).toBe(false);
  });
});

describe("bodies that are not OpenAI's error JSON", () => {
  it("an HTML 502 page gives a short readable excerpt", async () => {
    const page = `<!DOCTYPE html><html><head><title>502 Bad Gateway</title><style>body{color:red}</style></head><body><center><h1>502 Bad Gateway</h1></center><hr><center>nginx</center>${"<p>padding</p>".repeat(200)}</body></html>`;
    server.handle((_, response) => {
      response.writeHead(502, { "content-type": "text/html" });
      response.end(page);
    });
    const error = (await call()) as APIError;
    expect(error).toBeInstanceOf(BadGatewayError);
    expect(error.message).toContain("502 Bad Gateway");
    expect(error.message).not.toContain("<html>");
    expect(error.message).not.toContain("color:red");
    expect(error.message.length).toBeLessThan(500);
    expect(typeof error.body).toBe("string");
  });

  it("a 200 whose body is not JSON is an APIError, not a SyntaxError", async () => {
    server.handle((_, response) => {
      response.writeHead(200, { "content-type": "application/json" });
      response.end("<html>maintenance</html>");
    });
    const error = (await call()) as APIError;
    expect(error).toBeInstanceOf(APIError);
    expect(error).not.toBeInstanceOf(SyntaxError);
    expect(error.name).toBe("APIError");
    expect(error.status).toBe(200);
    expect(error.message).toContain("not JSON");
    expect(error.message).toContain("maintenance");
    expect(error.isRetryable).toBe(false);
  });

  it("a 200 with JSON that is not a chat.completion is an APIError", async () => {
    server.handle((_, response) => sendJson(response, 200, { hello: "world" }));
    const error = (await call()) as APIError;
    expect(error).toBeInstanceOf(APIError);
    expect(error.message).toContain("chat.completion");
  });

  it("a 200 carrying an error object is thrown as the class of its code", async () => {
    server.handle((_, response) =>
      sendJson(response, 200, { error: { message: "slow down", code: 429 } }),
    );
    const error = await call();
    expect(error).toBeInstanceOf(RateLimitError);
    expect((error as Error).message).toContain("slow down");
  });

  it("an empty error body still gives a readable message", async () => {
    server.handle((_, response) => {
      response.writeHead(500);
      response.end();
    });
    const error = (await call()) as APIError;
    expect(error).toBeInstanceOf(InternalServerError);
    expect(error.message).toContain("500");
  });
});

describe("the API key never shows in an error", () => {
  it("is redacted when the server echoes it back", async () => {
    server.handle((request, response) =>
      sendJson(
        response,
        401,
        openAIError(
          `Incorrect API key provided: ${request.headers.authorization}. You can find your API key at ...`,
        ),
        { "x-echo": String(request.headers.authorization) },
      ),
    );
    const error = (await call()) as APIError;
    expect(error).toBeInstanceOf(AuthenticationError);
    expect(error.message).toContain("Incorrect API key provided");
    for (const text of [
      error.message,
      String(error.stack),
      JSON.stringify(error),
      inspect(error, { depth: 10, showHidden: true }),
      JSON.stringify(error.body),
      JSON.stringify(error.headers),
      String(error.cause ?? ""),
    ]) {
      expect(text).not.toContain(API_KEY);
    }
  });

  it("is redacted from a non-JSON page that echoes it", async () => {
    server.handle((request, response) => {
      response.writeHead(403, { "content-type": "text/html" });
      response.end(`<h1>Forbidden</h1><p>key ${request.headers.authorization}</p>`);
    });
    const error = (await call()) as APIError;
    expect(error).toBeInstanceOf(PermissionDeniedError);
    expect(inspect(error, { depth: 10, showHidden: true })).not.toContain(API_KEY);
    expect(JSON.stringify(error)).not.toContain(API_KEY);
  });
});
