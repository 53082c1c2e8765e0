/**
 * `completion()`: validates, resolves the call, and hands back a `ModelResponse` (`send-json.ts`)
 * or a `CompletionStream` (`stream/open-stream.ts`); a `mockResponse` answers without a request.
 */

import type * as Zod from "zod";
import { prepareRequest } from "../http/prepare-request.js";
import type { CallTracker } from "../observability/call-tracker.js";
import { trackCall } from "../observability/track-call.js";
import { loadZod } from "../params/load-zod.js";
import { parseModel } from "../params/parse-model.js";
import type { CompletionParams } from "../params/schemas.js";
import { validateParams } from "../params/validate-params.js";
import { CompletionStream } from "../stream/completion-stream.js";
import { openStream } from "../stream/open-stream.js";
import type { StreamObserver } from "../stream/stream-observer.js";
import { parseCompletion } from "../structured/parse-completion.js";
import {
  createParsedStreamCollector,
  type ParsedCompletionStream,
} from "../structured/parsed-stream.js";
import {
  checkResponseFormat,
  type JsonSchemaResponseFormat,
  toResponseFormat,
} from "../structured/response-format.js";
import { createZodRuntime, type SchemaRuntime } from "../structured/schema-runtime.js";
import type { ModelResponse, ParsedModelResponse } from "../types.js";
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
export function completion<S extends Zod.core.$ZodType>(
  params: CompletionParams & { stream: true; responseFormat: S },
): Promise<ParsedCompletionStream<Zod.output<S>, Zod.input<S>>>;
/**
 * Calls a chat model for an answer of the shape of a zod schema: OpenAI's strict
 * `response_format` is sent, and each choice's `message.parsed` holds the answer parsed by the
 * schema (`null` for a refusal, with `message.refusal`).
 *
 * @example
 * const Weather = z.object({ city: z.string(), celsius: z.number() });
 * const response = await completion({ model: "openai/gpt-5", messages, responseFormat: Weather });
 * const weather = response.choices[0]?.message.parsed; // { city: string; celsius: number } | null
 *
 * @throws {OutputParseError} when an answer is not JSON or fails the schema (not retried).
 * @throws {BadRequestError} before any request, for a schema strict mode cannot express.
 */
export function completion<S extends Zod.core.$ZodType>(
  params: CompletionParams & { stream?: false | null | undefined; responseFormat: S },
): Promise<ParsedModelResponse<Zod.output<S>>>;
/** Calls a chat model and resolves to a {@link CompletionStream} of its chunks. */
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
 * stream's tokens and failure against its deployment when the stream ends). A Router gives its
 * own `tracker` (or `null` when the call has no handlers): it reports the call's start, success
 * and failure itself, across deployments; this call reports its provider, retries and a stream's
 * end into it.
 */
export function runCompletion(
  params: CompletionParams,
  observer: StreamObserver | undefined,
  routed?: CallTracker | null,
): Promise<ModelResponse | CompletionStream> {
  if (routed !== undefined) return completeCall(params, observer, routed ?? undefined);
  return trackCall("completion", params, undefined, (tracker) =>
    completeCall(params, observer, tracker),
  );
}

async function completeCall(
  params: CompletionParams,
  observer: StreamObserver | undefined,
  tracker: CallTracker | undefined,
): Promise<ModelResponse | CompletionStream> {
  const mock = params?.mockResponse;
  if (mock !== undefined) return mockCompletion(params, mock, observer, tracker);
  const prepared = await prepareCall("completion", params);
  const call = tracker === undefined ? prepared : tracker.follow(prepared);
  const structured = await prepareStructured(params, call.adapter.id, call.model);
  const dropped = checkSupportedParams(call.adapter, "chat", params);
  const body = buildBody(params, call.model, dropped);
  if (structured !== undefined) body.response_format = structured.responseFormat;
  if (params.stream === true) {
    if (body.stream_options == null) body.stream_options = { include_usage: true };
    const request = prepareRequest(call, "chat", body);
    let stream: CompletionStream | undefined;
    const signal = call.signal;
    const seen =
      tracker === undefined
        ? observer
        : tracker.observeStream(
            observer,
            () => stream?._hidden_params,
            () => signal?.aborted === true,
          );
    const collector = structured?.collect(call.model, seen);
    stream = await openStream(call, request, {
      body,
      streamIdleTimeout: params.streamIdleTimeout,
      includeUsage: params.stream_options?.include_usage !== false,
      choices: params.n ?? 1,
      observer: collector?.observer ?? seen,
    });
    tracker?.markFirstChunk();
    return collector === undefined ? stream : collector.attach(stream);
  }
  const response = await sendJson(call, "chat", body, isChatCompletion, "a chat.completion object");
  if (structured === undefined) return response as ModelResponse;
  return parseCompletion(
    response as ModelResponse,
    structured.schema,
    structured.runtime,
    call.model,
  );
}

/** What a call with `responseFormat` needs: the `response_format` to send, and how to parse. */
interface Structured {
  schema: Zod.core.$ZodType;
  runtime: SchemaRuntime;
  responseFormat: JsonSchemaResponseFormat;
  collect(
    model: string,
    observer: StreamObserver | undefined,
  ): ReturnType<typeof createParsedStreamCollector>;
}

/** llmux's zod as structured outputs use it, made with the first call that gives a schema. */
let zodRuntime: SchemaRuntime | undefined;

/**
 * For a call with `responseFormat` (zod loaded then, never otherwise): checks it can be sent,
 * and builds the strict `response_format`, before any request.
 */
async function prepareStructured(
  params: CompletionParams,
  provider: string,
  model: string,
): Promise<Structured | undefined> {
  const schema = params.responseFormat;
  if (schema === undefined) return undefined;
  checkResponseFormat(params, provider, model);
  zodRuntime ??= createZodRuntime(await loadZod());
  const runtime = zodRuntime;
  const responseFormat = toResponseFormat(schema, runtime);
  return {
    schema,
    runtime,
    responseFormat,
    collect: (streamModel, observer) =>
      createParsedStreamCollector(schema, runtime, streamModel, observer),
  };
}

/** A call with `mockResponse`: validated as any call, answered without network or key. */
async function mockCompletion(
  params: CompletionParams,
  mock: string | Error,
  observer: StreamObserver | undefined,
  tracker: CallTracker | undefined,
): Promise<ModelResponse | CompletionStream> {
  await validateParams("completion", params);
  const { adapter, model } = parseModel(params.model);
  if (tracker !== undefined) {
    tracker.provider = adapter.id;
    tracker.model = model;
  }
  const structured = await prepareStructured(params, adapter.id, model);
  params.signal?.throwIfAborted();
  if (mock instanceof Error) throw mock;
  if (params.stream !== true) {
    const response = createMockResponse(adapter.id, model, params.messages, mock);
    if (structured === undefined) return response;
    return parseCompletion(response, structured.schema, structured.runtime, model);
  }
  const includeUsage = params.stream_options?.include_usage !== false;
  const chunks = createMockChunks(model, params.messages, mock, includeUsage);
  const hidden = noRequestHiddenParams(adapter.id);
  const signal = params.signal;
  const seen =
    tracker === undefined
      ? observer
      : tracker.observeStream(
          observer,
          () => hidden,
          () => signal?.aborted === true,
        );
  const collector = structured?.collect(model, seen);
  const stream = new CompletionStream(
    createMockSource(chunks, params.signal),
    undefined,
    hidden,
    undefined,
    collector?.observer ?? seen,
  );
  return collector === undefined ? stream : collector.attach(stream);
}

/** LiteLLM's other name for {@link completion}: the same function. */
export const acompletion = completion;
