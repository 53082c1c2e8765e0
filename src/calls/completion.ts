/**
 * The facade: `completion()` parses the model, resolves the provider, validates, calls (with
 * retries) and hands back a `ModelResponse` or a `CompletionStream`.
 */
import { onAbort } from "../http/on-abort.js";
import {
  type PreparedRequest,
  prepareRequest,
  readJsonBody,
  send,
  sendJson,
  stopAttempt,
} from "../http/send.js";
import {
  buildBody,
  DEFAULT_STREAM_IDLE_TIMEOUT_MS,
  parseModel,
  type ResolvedCall,
  resolveCall,
} from "../params/resolve-call.js";
import { type CompletionParams, completionParamsSchema } from "../params/schemas.js";
import { validateParams } from "../params/validate-params.js";
import { ChunkReader } from "../stream/chunk-reader.js";
import { CompletionStream } from "../stream/completion-stream.js";
import type { ModelResponse, ModelResponseStream } from "../types.js";
import { noRequestHiddenParams } from "./hidden-params.js";
import { createMockChunks, createMockResponse, createMockSource } from "./mock-response.js";

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
  validateParams(completionParamsSchema, params, "completion");
  const { adapter, model } = parseModel(params.model);
  const stream = params.stream === true;

  if (params.mockResponse !== undefined) {
    params.signal?.throwIfAborted();
    if (params.mockResponse instanceof Error) throw params.mockResponse;
    if (!stream) return createMockResponse(adapter.id, model, params.messages, params.mockResponse);
    const includeUsage = params.stream_options?.include_usage !== false;
    const chunks = createMockChunks(model, params.messages, params.mockResponse, includeUsage);
    const source = createMockSource(chunks, params.signal);
    return new CompletionStream(source, undefined, undefined, noRequestHiddenParams(adapter.id));
  }

  const call = resolveCall(adapter, model, params);
  const body = buildBody(params as unknown as Record<string, unknown>, model);
  if (stream) {
    if (body.stream_options == null) body.stream_options = { include_usage: true };
    return openStream(call, prepareRequest(call, "chat", body), params.streamIdleTimeout);
  }

  const response = await sendJson(call, "chat", body, isChatCompletion, "a chat.completion object");
  return response as ModelResponse;
}

/** LiteLLM's other name for {@link completion}: the same function. */
export const acompletion = completion;

/**
 * Sends a streamed call and reads up to its first chunk (retrying as the rules say until then),
 * then hands the open connection to a `CompletionStream`.
 */
async function openStream(
  call: ResolvedCall,
  request: PreparedRequest,
  streamIdleTimeout: number | undefined,
): Promise<CompletionStream> {
  const { value, attempt, hidden } = await send(
    call,
    request,
    async (response, attempt) => {
      const contentType = response.headers["content-type"] ?? "";
      if (contentType.includes("application/json")) {
        // A gateway that answers a stream request with a JSON error body (status 200).
        await readJsonBody(response, call, () => false, "a stream of server-sent events");
      }
      const reader = new ChunkReader(call, attempt, response);
      let first: ModelResponseStream | undefined;
      try {
        first = await reader.next();
      } catch (error) {
        // An error event is thrown from the iterator, as a mid-stream one would be.
        if (error === reader.pendingError) return { reader, first: undefined, firstError: error };
        throw error;
      }
      return { reader, first, firstError: undefined as unknown };
    },
    "no first chunk came",
  );
  const { reader, first, firstError } = value;
  reader.startIdleTimer(streamIdleTimeout ?? DEFAULT_STREAM_IDLE_TIMEOUT_MS);

  const signal = call.signal;
  const onFinish =
    signal === undefined
      ? undefined
      : onAbort(signal, () => stopAttempt(attempt, "caller", signal.reason));
  return new CompletionStream(reader, first, firstError, hidden, onFinish);
}
