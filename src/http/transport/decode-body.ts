/**
 * Bodies a server (or a proxy) compressed although llmux never asked: `content-encoding: gzip`,
 * `deflate` or `br`, decoded with node:zlib, which is loaded only when such a body comes. A
 * `fetch` decodes on its own; this is for the undici transport, which hands over raw bytes.
 */
import type { ResponseHandler } from "./response-handler.js";
import { type HttpResponse, ResponseTooLargeError } from "./transport.js";

type Zlib = typeof import("node:zlib");
type Coding = "gzip" | "deflate" | "br";

/** The codings of a `content-encoding` header, in the order they were applied; undefined when none. */
function parseCodings(header: string | undefined): Coding[] | undefined {
  if (header === undefined) return undefined;
  const codings: Coding[] = [];
  for (const part of header.split(",")) {
    const coding = part.trim().toLowerCase();
    if (coding === "gzip" || coding === "x-gzip") codings.push("gzip");
    else if (coding === "deflate" || coding === "br") codings.push(coding);
    else if (coding !== "" && coding !== "identity") return undefined; // unknown: leave as sent
  }
  return codings.length === 0 ? undefined : codings;
}

/** "deflate" is meant to be zlib-wrapped; some servers send raw deflate. The first byte tells. */
const isZlibWrapped = (bytes: Uint8Array) => bytes.length === 0 || ((bytes[0] ?? 0) & 0x0f) === 8;

function decodeAll(zlib: Zlib, coding: Coding, bytes: Buffer, maxBytes: number): Buffer {
  const options = { maxOutputLength: maxBytes };
  try {
    if (coding === "gzip") return zlib.gunzipSync(bytes, options);
    if (coding === "br") return zlib.brotliDecompressSync(bytes, options);
    return isZlibWrapped(bytes)
      ? zlib.inflateSync(bytes, options)
      : zlib.inflateRawSync(bytes, options);
  } catch (error) {
    // A body that unpacks past the limit (a "zip bomb" too) is too large, not broken.
    if ((error as { code?: unknown }).code === "ERR_BUFFER_TOO_LARGE") {
      throw new ResponseTooLargeError(maxBytes);
    }
    throw error;
  }
}

async function* decodeChunks(
  zlib: Zlib,
  codings: readonly Coding[],
  source: AsyncIterable<Uint8Array>,
): AsyncGenerator<Uint8Array> {
  const { Readable, pipeline } = await import("node:stream");
  const decoders = [...codings]
    .reverse()
    .map((coding) =>
      coding === "gzip"
        ? zlib.createGunzip()
        : coding === "br"
          ? zlib.createBrotliDecompress()
          : zlib.createUnzip(),
    );
  // pipeline, not pipe: the source's failure (an abort, a timeout, a reset) must reach the
  // decoder, or the loop below would wait forever and the error would go unhandled.
  const decoded: NodeJS.ReadableStream = pipeline(
    [Readable.from(source, { objectMode: false }), ...decoders],
    () => {},
  ) as NodeJS.ReadWriteStream;
  for await (const chunk of decoded) yield chunk as Buffer;
}

/**
 * The response as llmux reads it: `handler` itself when the body is not compressed (nearly
 * always), else a view of it that decodes `text()` and the chunks.
 */
export function decodeBody(handler: ResponseHandler): HttpResponse {
  const codings = parseCodings(handler.headers["content-encoding"]);
  if (codings === undefined) return handler;
  const loadZlib = import("node:zlib");
  loadZlib.catch(() => {});
  return {
    status: handler.status,
    headers: handler.headers,
    body: {
      [Symbol.asyncIterator]: () => {
        const chunks = (async function* () {
          yield* decodeChunks(await loadZlib, codings, handler.body);
        })();
        return chunks;
      },
    },
    async text(maxBytes) {
      let bytes = await handler.bytes(maxBytes);
      const zlib = await loadZlib;
      for (const coding of [...codings].reverse()) {
        bytes = decodeAll(zlib, coding, bytes, maxBytes);
      }
      return bytes.toString("utf8");
    },
    close: (early) => handler.close(early),
  };
}
