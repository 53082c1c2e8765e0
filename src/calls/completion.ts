/**
 * `completion()`: validates, resolves the call, and hands back a `ModelResponse` (`send-json.ts`)
 * or a `CompletionStream` (`stream/open-stream.ts`); a `mockResponse` answers without a request.
 */
import { prepareRequest } from "../http/prepare-request.js";
import { parseModel } from "../params/parse-model.js";
import type { CompletionParams } from "../params/schemas.js";
import { validateParams } from "../params/validate-params.js";
import { CompletionStream } from "../stream/completion-stream.js";
import { openStream } from "../stream/open-stream.js";
import type { StreamObserver } from "../stream/stream-observer.js";
import type { ModelResponse } from "../types.js";
import { buildBody } from "./build-body.js";
import { checkSupportedParams } from "./check-supported-params.js";
import { noRequestHiddenParams } from "./hidden-params.js";
import { createMockChunks, createMockResponse, createMockSource } from "./mock-response.js";
import { prepareCall } from "./prepare-call.js";
import { sendJson } from "./send-json.js";

/** A 2xx chat body must hold `choices`. */
const isChatCompletion = (json: Record<string, unknown>) => Array.isArray(json.choices);

/**
 * Calls a chat model of any registered provider with OpenAI's parameters, and answers in
 * OpenAI's shape.
 *
 * @example
 * const response = await completion({
 *   model: "cometapi/gpt-5",
 *   messages: [{ role: "user", content: "Hi" }],
 * });
 * console.log(response.choices[0]?.message.content);
 *
 * @example
 * const stream = await completion({ model: "cometapi/gpt-5", messages, stream: true });
 * for await (const chunk of stream) process.stdout.write(chunk.choices[0]?.delta.content ?? "");
 *
 * @throws {BadRequestError} for invalid parameters or an unknown provider, before any request.
 * @throws {AuthenticationError} when the provider needs a key and none is found.
 * @throws {APIError} a subclass for each failure of the provider's API; see the README.
 */
export function completion(params: CompletionParams & { stream: true }): Promise<CompletionStream>;
/**
 * Calls a chat model and resolves to OpenAI's `chat.completion` object.
 *
 * @example
 * const response = await completion({ model: "cometapi/gpt-5", messages: [{ role: "user", content: "Hi" }] });
 */
export function completion(
  params: CompletionParams & { stream?: false | null | undefined },
): Promise<ModelResponse>;
/** Calls a chat model; resolves to a `CompletionStream` when `stream` is `true`, else a `ModelResponse`. */
export function completion(params: CompletionParams): Promise<ModelResponse | CompletionStream>;
export async function completion(
  params: CompletionParams,
): Promise<ModelResponse | CompletionStream> {
  return runCompletion(params, undefined);
}

/**
 * `completion()` with an observer of the stream it may open: the Router's way in (it counts a
 * stream's tokens and failure against its deployment when the stream ends).
 */
export async function runCompletion(
  params: CompletionParams,
  observer: StreamObserver | undefined,
): Promise<ModelResponse | CompletionStream> {
  const mock = params?.mockResponse;
  if (mock !== undefined) return mockCompletion(params, mock, observer);
  const call = await prepareCall("completion", params);
  const dropped = checkSupportedParams(call.adapter, "chat", params);
  const body = buildBody(params, call.model, dropped);
  if (params.stream === true) {
    if (body.stream_options == null) body.stream_options = { include_usage: true };
    const request = prepareRequest(call, "chat", body);
    return openStream(call, request, {
      streamIdleTimeout: params.streamIdleTimeout,
      includeUsage: params.stream_options?.include_usage !== false,
      observer,
    });
  }
  const response = await sendJson(call, "chat", body, isChatCompletion, "a chat.completion object");
  return response as ModelResponse;
}

/** A call with `mockResponse`: validated as any call, answered without network or key. */
async function mockCompletion(
  params: CompletionParams,
  mock: string | Error,
  observer: StreamObserver | undefined,
): Promise<ModelResponse | CompletionStream> {
  await validateParams("completion", params);
  const { adapter, model } = parseModel(params.model);
  params.signal?.throwIfAborted();
  if (mock instanceof Error) throw mock;
  if (params.stream !== true) return createMockResponse(adapter.id, model, params.messages, mock);
  const includeUsage = params.stream_options?.include_usage !== false;
  const chunks = createMockChunks(model, params.messages, mock, includeUsage);
  return new CompletionStream(
    createMockSource(chunks, params.signal),
    undefined,
    noRequestHiddenParams(adapter.id),
    undefined,
    observer,
  );
}

/** LiteLLM's other name for {@link completion}: the same function. */
export const acompletion = completion;
