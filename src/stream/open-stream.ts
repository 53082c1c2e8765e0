/**
 * Opens a streamed call: sends it and reads up to its first chunk inside the attempt, so that
 * everything before the first chunk (a non-2xx, a reset, a stall, an error event as the first
 * event) fails the attempt and is retried by the usual rules; then hands the open connection to
 * a `CompletionStream`.
 */
import type { Attempt } from "../http/attempt.js";
import { onAbort } from "../http/on-abort.js";
import type { PreparedRequest } from "../http/prepare-request.js";
import { readJsonBody } from "../http/read-json-body.js";
import type { ResolvedCall } from "../http/resolved-call.js";
import { send } from "../http/send.js";
import type { HttpResponse } from "../http/transport/transport.js";
import { DEFAULT_STREAM_IDLE_TIMEOUT_MS } from "../params/defaults.js";
import type { ModelResponseStream } from "../types.js";
import { ChunkReader } from "./chunk-reader.js";
import { CompletionStream } from "./completion-stream.js";
import { createPricingObserver } from "./pricing-observer.js";
import type { StreamObserver } from "./stream-observer.js";

const neverExpected = () => false;

/** Sends a streamed call and resolves once its first chunk has come (or the stream has ended). */
export async function openStream(
  call: ResolvedCall,
  request: PreparedRequest,
  options: {
    /** The call's body in OpenAI's shape (what the stream mapper may need to know of it). */
    body: Record<string, unknown>;
    streamIdleTimeout: number | undefined;
    /** Whether the caller wants the last usage-only chunk. */
    includeUsage: boolean;
    /** How many choices the call asked for (`n`). */
    choices: number;
    observer: StreamObserver | undefined;
  },
): Promise<CompletionStream> {
  const { streamIdleTimeout, includeUsage, choices, observer, body } = options;
  const readFirstChunk = async (response: HttpResponse, attempt: Attempt) => {
    if ((response.headers["content-type"] ?? "").includes("application/json")) {
      // A gateway that answers a stream request with a JSON error body (status 200): thrown as
      // the error it holds, or as "not a stream" when it holds none.
      await readJsonBody(
        response,
        attempt.context,
        call.maxResponseBytes,
        neverExpected,
        "a stream of server-sent events",
      );
    }
    const mapper = call.adapter.doCreateStreamMapper?.({
      model: call.model,
      includeUsage,
      choices,
      request: body,
    });
    const reader = new ChunkReader(call, attempt, response, mapper);
    const first: ModelResponseStream | undefined = await reader.next();
    return { reader, first };
  };
  const { value, attempt, hidden } = await send(
    call,
    request,
    readFirstChunk,
    "no first chunk came",
  );
  const { reader, first } = value;
  reader.startIdleTimer(streamIdleTimeout ?? DEFAULT_STREAM_IDLE_TIMEOUT_MS);

  const signal = call.signal;
  const unsubscribe =
    signal === undefined
      ? undefined
      : onAbort(signal, () => attempt.abort("caller", signal.reason));
  const pricing = createPricingObserver(`${call.adapter.id}/${call.model}`, hidden, observer);
  return new CompletionStream(reader, first, hidden, unsubscribe, pricing);
}
