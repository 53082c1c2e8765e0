/** The default transport's own pieces: the lean Agent import, dispatchers, keep-alive reuse. */
import { createServer, type IncomingMessage } from "node:http";
import { type AddressInfo, connect, type Socket } from "node:net";
import { Agent, MockAgent, ProxyAgent } from "undici";
import { describe, expect, it } from "vitest";
import { completion, TimeoutError } from "../src/index.js";
import { collect, contentOf } from "./helpers/collect.js";
import { chatCompletionBody, chunkBody, helloWorldStream } from "./helpers/fixtures.js";
import { sendEvents, sendJson, startEvents, useTestServer } from "./helpers/server.js";

const messages = [{ role: "user" as const, content: "Hi" }];
const server = useTestServer();

describe("the undici transport", () => {
  it("loads the very Agent that undici exports", async () => {
    const { default: LeanAgent } = await import("undici/lib/dispatcher/agent.js");
    expect(LeanAgent).toBe(Agent);
  });

  it("reuses keep-alive connections for sequential calls and streams", async () => {
    const sockets = new Set<unknown>();
    server.handle((request, response, raw) => {
      sockets.add(raw.socket);
      if (request.json?.stream === true) {
        sendEvents(response, helloWorldStream());
      } else sendJson(response, 200, chatCompletionBody("ok"));
    });
    const options = { model: "cometapi/gpt-5", messages, apiKey: "k", apiBase: server.apiBase };
    for (let index = 0; index < 5; index++) {
      await completion(options);
      expect(contentOf(await collect(await completion({ ...options, stream: true })))).toBe(
        "Hello world",
      );
    }
    // 10 calls; undici's pool may hand the next call a second idle connection while the first
    // is being marked free, but never opens one per call.
    expect(sockets.size).toBeLessThanOrEqual(2);
  });

  it("reads a 2 MiB answer that comes in many network reads", async () => {
    const big = "x".repeat(2 * 1024 * 1024);
    server.handle((_, response) => sendJson(response, 200, chatCompletionBody(big)));
    const response = await completion({
      model: "cometapi/gpt-5",
      messages,
      apiKey: "k",
      apiBase: server.apiBase,
    });
    expect(response.choices[0]?.message.content).toBe(big);
  });

  it("gives a slow reader of a big stream every chunk, in order (backpressure)", async () => {
    server.handle((_, response) => {
      startEvents(response);
      const events: string[] = [];
      for (let index = 0; index < 5000; index++) {
        events.push(`data: ${JSON.stringify(chunkBody({ content: `${index},` }))}\n\n`);
      }
      response.end(`${events.join("")}data: [DONE]\n\n`);
    });
    const stream = await completion({
      model: "cometapi/gpt-5",
      messages,
      apiKey: "k",
      apiBase: server.apiBase,
      stream: true,
    });
    let text = "";
    let count = 0;
    for await (const chunk of stream) {
      text += chunk.choices[0]?.delta.content ?? "";
      if (++count % 500 === 0) await new Promise((resolve) => setTimeout(resolve, 20));
    }
    expect(count).toBe(5000);
    expect(text).toBe(Array.from({ length: 5000 }, (_, index) => `${index},`).join(""));
  });

  it("goes through an HTTP proxy with undici's ProxyAgent", async () => {
    const tunnels: string[] = [];
    const proxy = createServer();
    proxy.on("connect", (request: IncomingMessage, client: Socket, head: Buffer) => {
      tunnels.push(String(request.url));
      const [host, port] = String(request.url).split(":");
      const upstream = connect(Number(port), host, () => {
        client.write("HTTP/1.1 200 Connection Established\r\n\r\n");
        upstream.write(head);
        upstream.pipe(client);
        client.pipe(upstream);
      });
      upstream.on("error", () => client.destroy());
      client.on("error", () => upstream.destroy());
    });
    await new Promise<void>((resolve) => proxy.listen(0, "127.0.0.1", resolve));
    const { port } = proxy.address() as AddressInfo;
    const dispatcher = new ProxyAgent(`http://127.0.0.1:${port}`);
    server.handle((_, response) => sendJson(response, 200, chatCompletionBody("via proxy")));
    const response = await completion({
      model: "cometapi/gpt-5",
      messages,
      apiKey: "k",
      apiBase: server.apiBase,
      dispatcher,
    });
    expect(response.choices[0]?.message.content).toBe("via proxy");
    expect(tunnels).toEqual([new URL(server.origin).host]);
    await dispatcher.close();
    proxy.closeAllConnections();
    await new Promise((resolve) => proxy.close(resolve));
  });

  it("drives a Dispatcher of undici 6 too (its legacy handler API)", async () => {
    const { Agent: Agent6 } = await import("undici-v6");
    const dispatcher = new Agent6();
    server.handle((request, response) => {
      if (request.json?.stream === true) {
        sendEvents(response, helloWorldStream(), { "x-request-id": "v6" });
      } else sendJson(response, 200, chatCompletionBody("from undici 6"), { "x-request-id": "v6" });
    });
    const options = {
      model: "cometapi/gpt-5",
      messages,
      apiKey: "k",
      apiBase: server.apiBase,
      dispatcher: dispatcher as never,
    };
    const response = await completion(options);
    expect(response.choices[0]?.message.content).toBe("from undici 6");
    expect(response._hidden_params.requestId).toBe("v6");
    const stream = await completion({ ...options, stream: true });
    expect(contentOf(await collect(stream))).toBe("Hello world");

    server.handle((_, response) => {
      startEvents(response);
      response.write(`data: ${JSON.stringify(chunkBody({ content: "one" }))}\n\n`);
    });
    const stalled = await completion({ ...options, stream: true, streamIdleTimeout: 100 });
    await expect(collect(stalled)).rejects.toBeInstanceOf(TimeoutError);
    const last = server.requests.at(-1)!;
    await last.closed;
    expect(last.clientAborted()).toBe(true);
    await dispatcher.close();
  });

  it("sends through a caller's dispatcher (undici's MockAgent)", async () => {
    const mockAgent = new MockAgent();
    mockAgent.disableNetConnect();
    mockAgent
      .get("https://api.cometapi.com")
      .intercept({ path: "/v1/chat/completions", method: "POST" })
      .reply(200, chatCompletionBody("from MockAgent"), {
        headers: { "content-type": "application/json", "x-request-id": "mock_1" },
      });
    const response = await completion({
      model: "cometapi/gpt-5",
      messages,
      apiKey: "k",
      dispatcher: mockAgent,
    });
    expect(response.choices[0]?.message.content).toBe("from MockAgent");
    expect(response._hidden_params.requestId).toBe("mock_1");
    await mockAgent.close();
  });
});
