/**
 * The same faults through a caller's `fetch` (Node's own, over the real local server): the
 * transport changes, what the caller sees does not.
 */
import { describe, expect, it } from "vitest";
import { APIConnectionError, completion, TimeoutError } from "../src/index.js";
import { collect, contentOf } from "./helpers/collect.js";
import { chatCompletionBody, chunkBody, helloWorldStream } from "./helpers/fixtures.js";
import {
  sendEvents,
  sendJson,
  sleep,
  startEvents,
  useTestServer,
  writeEvent,
} from "./helpers/server.js";

const server = useTestServer();
const messages = [{ role: "user" as const, content: "Hi" }];
const options = () => ({
  model: "cometapi/gpt-5",
  messages,
  apiKey: "k",
  apiBase: server.apiBase,
  fetch: globalThis.fetch,
});

describe("through fetch", () => {
  it("a reset before the headers is retried", async () => {
    let count = 0;
    server.handle((_, response) => {
      if (count++ === 0) response.socket?.destroy();
      else sendJson(response, 200, chatCompletionBody("ok"), { "retry-after-ms": "0" });
    });
    const response = await completion(options());
    expect(response.choices[0]?.message.content).toBe("ok");
    expect(response._hidden_params.attempts).toBe(2);
  });

  it("a stall before the headers is a TimeoutError", async () => {
    server.handle(() => undefined);
    const error = await completion({ ...options(), timeout: 150, maxRetries: 0 }).catch(
      (caught: unknown) => caught,
    );
    expect(error).toBeInstanceOf(TimeoutError);
    await server.requests[0]!.closed;
    expect(server.requests[0]!.clientAborted()).toBe(true);
  });

  it("an abort while waiting rejects with the very reason", async () => {
    server.handle(() => undefined);
    const controller = new AbortController();
    const reason = new Error("stop");
    setTimeout(() => controller.abort(reason), 50);
    await expect(completion({ ...options(), signal: controller.signal })).rejects.toBe(reason);
  });

  it("a stream dropped mid-way throws APIConnectionError", async () => {
    server.handle(async (_, response) => {
      startEvents(response);
      writeEvent(response, chunkBody({ content: "one" }));
      await sleep(20);
      response.socket?.destroy();
    });
    const stream = await completion({ ...options(), stream: true });
    await expect(collect(stream)).rejects.toBeInstanceOf(APIConnectionError);
  });

  it("a stream that stalls throws TimeoutError after streamIdleTimeout", async () => {
    server.handle((_, response) => {
      startEvents(response);
      writeEvent(response, chunkBody({ content: "one" }));
    });
    const stream = await completion({ ...options(), stream: true, streamIdleTimeout: 150 });
    await expect(collect(stream)).rejects.toBeInstanceOf(TimeoutError);
    await server.requests[0]!.closed;
    expect(server.requests[0]!.clientAborted()).toBe(true);
  });

  it("leaving the loop early closes the connection", async () => {
    server.handle(async (_, response) => {
      startEvents(response);
      for (let index = 0; index < 1000 && !response.destroyed; index++) {
        writeEvent(response, chunkBody({ content: `${index} ` }));
        await sleep(5);
      }
      response.end();
    });
    for await (const _ of await completion({ ...options(), stream: true })) break;
    await server.requests[0]!.closed;
    expect(server.requests[0]!.clientAborted()).toBe(true);
  });

  it("a whole stream arrives intact", async () => {
    server.handle((_, response) => {
      sendEvents(response, helloWorldStream());
    });
    expect(contentOf(await collect(await completion({ ...options(), stream: true })))).toBe(
      "Hello world",
    );
  });
});

describe("a caller's fetch that ignores its AbortSignal cannot hang a call", () => {
  /** Never settles, whatever the signal says. */
  const deafFetch = () => new Promise<Response>(() => {});
  /** Answers with a body that never ends and ignores cancel(), after `first` (if any). */
  const deafBodyFetch =
    (first?: string, contentType = "text/event-stream") =>
    async () =>
      new Response(
        new ReadableStream<Uint8Array>({
          start(controller) {
            if (first !== undefined) controller.enqueue(new TextEncoder().encode(first));
          },
        }),
        { headers: { "content-type": contentType } },
      );
  const deaf = (fetch: () => Promise<Response>, extra: Record<string, unknown> = {}) => ({
    model: "cometapi/gpt-5",
    messages,
    apiKey: "k",
    apiBase: "http://fetch.invalid/v1",
    maxRetries: 0,
    fetch,
    ...extra,
  });
  const deafStream = (fetch: () => Promise<Response>, extra: Record<string, unknown> = {}) => ({
    ...deaf(fetch, extra),
    stream: true as const,
  });

  it("timeout settles an attempt whose fetch never answers", async () => {
    const error = await completion(deaf(deafFetch, { timeout: 50 })).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TimeoutError);
  });

  it("timeout settles an attempt whose body never ends", async () => {
    const error = await completion(
      deaf(deafBodyFetch('{"id":', "application/json"), { timeout: 50 }),
    ).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TimeoutError);
  });

  it("the caller's abort settles it with the reason", async () => {
    const controller = new AbortController();
    const reason = new Error("stop");
    const pending = completion(deaf(deafFetch, { signal: controller.signal })).catch(
      (e: unknown) => e,
    );
    controller.abort(reason);
    expect(await pending).toBe(reason);
  });

  it("streamIdleTimeout ends a stream whose body stalls and ignores cancel", async () => {
    const first = `data: ${JSON.stringify(chunkBody({ content: "one" }))}\n\n`;
    const stream = await completion(deafStream(deafBodyFetch(first), { streamIdleTimeout: 50 }));
    const error = await collect(stream).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TimeoutError);
    expect((error as TimeoutError).message).toContain("streamIdleTimeout");
  });

  it("the caller's abort ends such a stream mid-way", async () => {
    const first = `data: ${JSON.stringify(chunkBody({ content: "one" }))}\n\n`;
    const controller = new AbortController();
    const reason = new Error("enough");
    const stream = await completion(
      deafStream(deafBodyFetch(first), { signal: controller.signal }),
    );
    const error = await (async () => {
      for await (const _ of stream) controller.abort(reason);
    })().catch((e: unknown) => e);
    expect(error).toBe(reason);
  });
});
