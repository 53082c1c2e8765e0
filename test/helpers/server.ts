/**
 * A real local HTTP server (node:http on 127.0.0.1, port 0) that speaks CometAPI's OpenAI wire
 * format, with a handler each test sets, a log of the requests it got, and a count of the
 * sockets and responses still open.
 */
import { once } from "node:events";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo, Socket } from "node:net";
import { afterAll, afterEach, beforeAll } from "vitest";

/** A request as the server received it. */
export interface RecordedRequest {
  method: string;
  url: string;
  headers: IncomingMessage["headers"];
  body: string;
  /** The body parsed as JSON, when it is JSON. */
  json: Record<string, unknown> | undefined;
  /** Resolves when the client closes the connection (or the response finishes). */
  closed: Promise<void>;
  /** Whether the client went away before the response finished. */
  clientAborted(): boolean;
}

export type Handler = (
  request: RecordedRequest,
  response: ServerResponse,
  raw: IncomingMessage,
) => unknown;

export interface TestServer {
  /** `http://127.0.0.1:PORT` */
  origin: string;
  /** `http://127.0.0.1:PORT/v1` */
  apiBase: string;
  requests: RecordedRequest[];
  /**
   * Resolves with the next request the server receives (each request is handed out once, in
   * order): a test aborts or checks "after the server has seen it" without sleeping.
   */
  nextRequest(): Promise<RecordedRequest>;
  handle(handler: Handler): void;
  /** Responses begun and not yet finished or closed. */
  openResponses(): number;
  /** Sockets connected now. */
  openSockets(): number;
  close(): Promise<void>;
}

export async function startServer(initial?: Handler): Promise<TestServer> {
  let handler: Handler = initial ?? ((_, response) => response.end());
  const requests: RecordedRequest[] = [];
  /** Requests given out by nextRequest(); the log may be cleared between tests. */
  const handedOut = new WeakSet<RecordedRequest>();
  const waiting: ((request: RecordedRequest) => void)[] = [];
  const sockets = new Set<Socket>();
  let open = 0;

  const server: Server = createServer(async (raw, response) => {
    open++;
    let finished = false;
    let aborted = false;
    const closed = new Promise<void>((resolve) => {
      const done = () => {
        if (!finished) {
          finished = true;
          open--;
        }
        resolve();
      };
      response.once("close", () => {
        if (!response.writableFinished) aborted = true;
        done();
      });
      response.once("finish", done);
    });
    const chunks: Buffer[] = [];
    for await (const chunk of raw) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks).toString("utf8");
    let json: Record<string, unknown> | undefined;
    try {
      json = JSON.parse(body);
    } catch {
      json = undefined;
    }
    const request: RecordedRequest = {
      method: raw.method ?? "",
      url: raw.url ?? "",
      headers: raw.headers,
      body,
      json,
      closed,
      clientAborted: () => aborted,
    };
    requests.push(request);
    const waiter = waiting.shift();
    if (waiter !== undefined) {
      handedOut.add(request);
      waiter(request);
    }
    try {
      await handler(request, response, raw);
    } catch (error) {
      if (!response.headersSent) {
        response.writeHead(599);
        response.end(String(error));
      } else response.destroy();
    }
  });
  server.on("connection", (socket) => {
    sockets.add(socket);
    socket.once("close", () => sockets.delete(socket));
  });
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  const { port } = server.address() as AddressInfo;
  const origin = `http://127.0.0.1:${port}`;
  return {
    origin,
    apiBase: `${origin}/v1`,
    requests,
    nextRequest() {
      const seen = requests.find((request) => !handedOut.has(request));
      if (seen !== undefined) {
        handedOut.add(seen);
        return Promise.resolve(seen);
      }
      return new Promise((resolve) => waiting.push(resolve));
    },
    handle(next) {
      handler = next;
    },
    openResponses: () => open,
    openSockets: () => sockets.size,
    async close() {
      for (const socket of sockets) socket.destroy();
      server.close();
      await once(server, "close");
    },
  };
}

/** Answers with a JSON body. */
export function sendJson(
  response: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  const text = JSON.stringify(body);
  response.writeHead(status, {
    "content-type": "application/json",
    "content-length": Buffer.byteLength(text),
    ...headers,
  });
  response.end(text);
}

/** Starts a server-sent events answer. */
export function startEvents(response: ServerResponse, headers: Record<string, string> = {}): void {
  response.writeHead(200, {
    "content-type": "text/event-stream",
    "cache-control": "no-cache",
    ...headers,
  });
  response.flushHeaders();
}

/** Answers with a whole server-sent events body at once. */
export function sendEvents(
  response: ServerResponse,
  text: string,
  headers: Record<string, string> = {},
): void {
  startEvents(response, headers);
  response.end(text);
}

/** Writes `data: <json>\n\n`. */
export function writeEvent(response: ServerResponse, data: unknown): void {
  response.write(`data: ${typeof data === "string" ? data : JSON.stringify(data)}\n\n`);
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Writes each piece as its own network write, a few ms apart, so that the client reads them apart. */
export async function writePieces(
  response: ServerResponse,
  pieces: readonly (string | Uint8Array)[],
  gapMs = 3,
): Promise<void> {
  response.socket?.setNoDelay(true);
  for (const piece of pieces) {
    if (response.destroyed) return;
    response.write(piece);
    await sleep(gapMs);
  }
}

/** Cuts bytes at the given offsets. */
export function splitAt(bytes: Uint8Array, offsets: readonly number[]): Uint8Array[] {
  const sorted = [...new Set(offsets)]
    .filter((offset) => offset > 0 && offset < bytes.length)
    .sort((a, b) => a - b);
  const pieces: Uint8Array[] = [];
  let start = 0;
  for (const offset of sorted) {
    pieces.push(bytes.subarray(start, offset));
    start = offset;
  }
  pieces.push(bytes.subarray(start));
  return pieces;
}

/**
 * A test server for the whole file: started before the first test, its request log cleared after
 * each test, closed after the last. Usable at once; its fields are read when the tests run.
 */
export function useTestServer(initial?: Handler): TestServer {
  let started: TestServer | undefined;
  const current = (): TestServer => {
    if (started === undefined) throw new Error("the test server starts in beforeAll");
    return started;
  };
  beforeAll(async () => {
    started = await startServer(initial);
  });
  afterEach(() => {
    if (started !== undefined) started.requests.length = 0;
  });
  afterAll(() => started?.close());
  return {
    get origin() {
      return current().origin;
    },
    get apiBase() {
      return current().apiBase;
    },
    get requests() {
      return current().requests;
    },
    nextRequest: () => current().nextRequest(),
    handle: (handler) => current().handle(handler),
    openResponses: () => current().openResponses(),
    openSockets: () => current().openSockets(),
    close: () => current().close(),
  };
}
