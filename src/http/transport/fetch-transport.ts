/**
 * A transport over a caller's fetch-compatible function (msw, tracing, other runtimes). The
 * caller's `fetch` may ignore the `AbortSignal` it is given: every wait here also ends when the
 * attempt is aborted, so that `timeout`, `signal` and `streamIdleTimeout` hold whatever it does.
 */
import type { FetchFunction } from "../../params/schemas.js";
import type { AbortHandle } from "./abort-handle.js";
import {
  abortError,
  type HttpRequest,
  type HttpResponse,
  ResponseTooLargeError,
  type Transport,
} from "./transport.js";

/** A promise that rejects when `abort` does: raced once, with the caller's `fetch` itself. */
function whenAborted(abort: AbortHandle): Promise<never> {
  const aborted = new Promise<never>((_, reject) => {
    if (abort.aborted) reject(abortError());
    else abort.onAbort(() => reject(abortError()));
  });
  aborted.catch(() => {});
  return aborted;
}

/**
 * Reads a web `ReadableStream` chunk by chunk. An abort cancels the reader, which settles a read
 * under way at once whatever the stream's source does (WHATWG streams: a cancelled reader's
 * pending reads resolve), and the loop then throws. No race per read: a handler left on a
 * long-lived promise per chunk would keep every chunk in memory.
 */
async function* readStream(
  stream: ReadableStream<Uint8Array>,
  abort: AbortHandle,
): AsyncGenerator<Uint8Array> {
  const reader = stream.getReader();
  const cancel = () => {
    reader.cancel().catch(() => {});
  };
  if (abort.aborted) cancel();
  else abort.onAbort(cancel);
  try {
    while (true) {
      const { done, value } = await reader.read();
      if (abort.aborted) throw abortError();
      if (done) return;
      yield value;
    }
  } finally {
    cancel();
  }
}

async function readText(
  stream: ReadableStream<Uint8Array> | null,
  declaredLength: string | undefined,
  maxBytes: number,
  abort: AbortHandle,
): Promise<string> {
  if (stream === null) return "";
  if (Number(declaredLength) > maxBytes) {
    stream.cancel().catch(() => {});
    throw new ResponseTooLargeError(maxBytes);
  }
  const chunks: Uint8Array[] = [];
  let length = 0;
  for await (const chunk of readStream(stream, abort)) {
    length += chunk.length;
    if (length > maxBytes) throw new ResponseTooLargeError(maxBytes); // readStream cancels
    chunks.push(chunk);
  }
  return Buffer.concat(chunks, length).toString("utf8");
}

const emptyBody: AsyncIterable<Uint8Array> = { async *[Symbol.asyncIterator]() {} };

/** A transport that sends each request through `fetch`. */
export function createFetchTransport(fetchFunction: FetchFunction): Transport {
  return async (request: HttpRequest): Promise<HttpResponse> => {
    const aborted = whenAborted(request.abort);
    const init: RequestInit = {
      method: request.method,
      headers: request.headers,
      signal: request.abort.toAbortSignal(),
    };
    if (request.body !== undefined) init.body = request.body;
    const answer = fetchFunction(request.url, init);
    // An answer that comes after the abort is not wanted: its body is cancelled.
    answer.then(
      (late) => {
        if (request.abort.aborted) late.body?.cancel().catch(() => {});
      },
      () => {},
    );
    const response = await Promise.race([answer, aborted]);
    const headers: Record<string, string> = {};
    response.headers.forEach((value, name) => {
      headers[name] = value;
    });
    const stream = response.body;
    const close = () => {
      request.abort.abort();
      if (stream !== null && !stream.locked) stream.cancel().catch(() => {});
    };
    return {
      status: response.status,
      headers,
      body:
        stream === null
          ? emptyBody
          : { [Symbol.asyncIterator]: () => readStream(stream, request.abort) },
      // A fetch has decoded any content-encoding already: the length it declared is the
      // compressed one, so it is no reason to stop before reading.
      text: (maxBytes) =>
        readText(
          stream,
          headers["content-encoding"] ? undefined : headers["content-length"],
          maxBytes,
          request.abort,
        ),
      close,
    };
  };
}
