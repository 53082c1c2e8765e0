/** A transport over a caller's fetch-compatible function (msw, tracing, other runtimes). */
import type { FetchFunction } from "../../params/schemas.js";
import type { HttpRequest, HttpResponse, Transport } from "./transport.js";

/** Reads a web `ReadableStream` as an async iterable, also where streams lack `Symbol.asyncIterator`. */
async function* readStream(stream: ReadableStream<Uint8Array>): AsyncGenerator<Uint8Array> {
  const reader = stream.getReader();
  try {
    while (true) {
      const { done, value } = await reader.read();
      if (done) return;
      yield value;
    }
  } finally {
    reader.cancel().catch(() => {});
  }
}

const emptyBody: AsyncIterable<Uint8Array> = { async *[Symbol.asyncIterator]() {} };

/** A transport that sends each request through `fetch`. */
export function createFetchTransport(fetchFunction: FetchFunction): Transport {
  return async (request: HttpRequest): Promise<HttpResponse> => {
    const init: RequestInit = {
      method: request.method,
      headers: request.headers,
      signal: request.abort.toAbortSignal(),
    };
    if (request.body !== undefined) init.body = request.body;
    const response = await fetchFunction(request.url, init);
    const headers: Record<string, string> = {};
    response.headers.forEach((value, name) => {
      headers[name] = value;
    });
    const stream = response.body;
    return {
      status: response.status,
      headers,
      body: stream === null ? emptyBody : readStream(stream),
      text: () => response.text(),
      destroy: () => {
        request.abort.abort();
        if (stream !== null && !stream.locked) stream.cancel().catch(() => {});
      },
      release: () => {
        request.abort.abort();
      },
    };
  };
}
