/** `stream.partialObjects()`: snapshots of a structured answer while its JSON streams in. */
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { completion, LLMError, RateLimitError } from "../src/index.js";
import { parsePartialJson } from "../src/structured/parse-partial-json.js";
import { chunkBody, usageChunkBody } from "./helpers/fixtures.js";
import { sendEvents, startEvents, useTestServer, writeEvent } from "./helpers/server.js";

const server = useTestServer();
const messages = [{ role: "user" as const, content: "Plan a trip" }];
const call = () => ({
  model: "openai/gpt-5",
  messages,
  apiKey: "sk-test",
  apiBase: server.apiBase,
  stream: true as const,
});

const Trip = z.object({
  title: z.string(),
  days: z.array(z.object({ city: z.string(), nights: z.number() })),
  budget: z.number(),
  booked: z.boolean(),
  note: z.string().optional(),
});

/** The SSE body of a stream whose choice 0 sends these deltas, in order, one chunk each. */
const events = (deltas: Record<string, unknown>[]) =>
  [
    chunkBody({ role: "assistant", content: "" }),
    ...deltas.map((delta) => chunkBody(delta)),
    chunkBody({}, "stop"),
    usageChunkBody(),
  ]
    .map((chunk) => `data: ${JSON.stringify(chunk)}\n\n`)
    .concat("data: [DONE]\n\n")
    .join("");

/** A stream whose content comes in these pieces. */
const contentEvents = (pieces: string[]) => events(pieces.map((content) => ({ content })));

async function readAll<T>(iterable: AsyncIterable<T>): Promise<T[]> {
  const items: T[] = [];
  for await (const item of iterable) items.push(item);
  return items;
}

describe("stream.partialObjects()", () => {
  it("yields growing snapshots of a nested object, numbers only once complete, then final() parses", async () => {
    const pieces = [
      '{"ti',
      'tle":"Al',
      'ps","days":[{"ci',
      'ty":"Be',
      'rn","nights":',
      '2},{"city":"Zer',
      'matt","nights":3',
      '}],"budget":12',
      '50,"boo',
      'ked":tr',
      'ue,"note":nu',
      "ll}",
    ];
    server.handle((_, response) => sendEvents(response, contentEvents(pieces)));
    const stream = await completion({ ...call(), responseFormat: Trip });
    const snapshots = await readAll(stream.partialObjects());
    const bern = { city: "Bern", nights: 2 };
    // Each snapshot is its own object: later ones do not change those already yielded.
    expect(snapshots).toEqual([
      {},
      { title: "Al" },
      { title: "Alps", days: [{}] },
      { title: "Alps", days: [{ city: "Be" }] },
      { title: "Alps", days: [{ city: "Bern" }] },
      { title: "Alps", days: [bern, { city: "Zer" }] },
      { title: "Alps", days: [bern, { city: "Zermatt" }] },
      { title: "Alps", days: [bern, { city: "Zermatt", nights: 3 }] },
      { title: "Alps", days: [bern, { city: "Zermatt", nights: 3 }], budget: 1250 },
      {
        title: "Alps",
        days: [bern, { city: "Zermatt", nights: 3 }],
        budget: 1250,
        booked: true,
      },
      // The optional field's null (strict mode's "absent") is left out, as final() leaves it
      // out: "nu" and "ll}" make no new snapshot.
    ]);
    const final = await stream.final();
    expect(final.choices[0]?.message.parsed).toEqual({
      title: "Alps",
      days: [bern, { city: "Zermatt", nights: 3 }],
      budget: 1250,
      booked: true,
    });
    expect(final.choices[0]?.message.content).toBe(pieces.join(""));
  });

  it("shows a number cut between chunks only once it is whole", async () => {
    const Reading = z.object({ celsius: z.number(), city: z.string() });
    server.handle((_, response) =>
      sendEvents(response, contentEvents(['{"celsius":-1', "2.", '5,"city":"Oslo"}'])),
    );
    const stream = await completion({ ...call(), responseFormat: Reading });
    expect(await readAll(stream.partialObjects())).toEqual([{}, { celsius: -12.5, city: "Oslo" }]);
    expect((await stream.final()).choices[0]?.message.parsed).toEqual({
      celsius: -12.5,
      city: "Oslo",
    });
  });

  it("throws a mid-stream error after the snapshots before it, and final() rejects with it", async () => {
    server.handle((_, response) => {
      startEvents(response);
      writeEvent(response, chunkBody({ role: "assistant", content: "" }));
      writeEvent(response, chunkBody({ content: '{"title":"Al' }));
      writeEvent(response, { error: { message: "slow down", code: 429 } });
      response.end();
    });
    const stream = await completion({ ...call(), responseFormat: Trip });
    const seen: unknown[] = [];
    const error = await (async () => {
      for await (const snapshot of stream.partialObjects()) seen.push(snapshot);
    })().catch((caught: unknown) => caught);
    expect(seen).toEqual([{ title: "Al" }]);
    expect(error).toBeInstanceOf(RateLimitError);
    await expect(stream.final()).rejects.toBe(error);
  });

  it("closes the connection when its loop is left, and final() rejects", async () => {
    server.handle((_, response) => {
      startEvents(response);
      writeEvent(response, chunkBody({ role: "assistant", content: "" }));
      writeEvent(response, chunkBody({ content: '{"title":"Al' }));
      // The rest never comes: only the client can end this response.
    });
    const stream = await completion({ ...call(), responseFormat: Trip });
    for await (const snapshot of stream.partialObjects()) {
      expect(snapshot).toEqual({ title: "Al" });
      break;
    }
    const seen = await server.nextRequest();
    await seen.closed;
    expect(seen.clientAborted()).toBe(true);
    await expect(stream.final()).rejects.toThrow("left or aborted before its end");
  });

  it("closes the connection when return() comes before any next()", async () => {
    server.handle((_, response) => {
      startEvents(response);
      writeEvent(response, chunkBody({ role: "assistant", content: "" }));
    });
    const stream = await completion({ ...call(), responseFormat: Trip });
    await stream.partialObjects().return?.();
    const seen = await server.nextRequest();
    await seen.closed;
    expect(seen.clientAborted()).toBe(true);
    await expect(stream.final()).rejects.toThrow("left or aborted before its end");
  });

  it("can be called once, and not on a stream already read", async () => {
    server.handle((_, response) => sendEvents(response, contentEvents(['{"title":"Alps"}'])));
    const twice = await completion({ ...call(), responseFormat: Trip });
    const first = twice.partialObjects();
    expect(() => twice.partialObjects()).toThrow(LLMError);
    expect(() => twice.partialObjects()).toThrow("already read");
    // A loop over the chunks after partialObjects() is refused as a second loop is.
    expect(() => twice[Symbol.asyncIterator]()).toThrow("already iterated");
    expect(await readAll(first)).toEqual([{ title: "Alps" }]);

    const looped = await completion({ ...call(), responseFormat: Trip });
    await readAll(looped);
    expect(() => looped.partialObjects()).toThrow("a stream can be read once");

    const finished = await completion({ ...call(), responseFormat: Trip });
    await finished.final().catch(() => {});
    expect(() => finished.partialObjects()).toThrow("already read");
  });

  it("yields nothing for a refusal, and final() gives parsed null with the refusal", async () => {
    server.handle((_, response) =>
      sendEvents(response, events([{ refusal: "I can't " }, { refusal: "help with that." }])),
    );
    const stream = await completion({ ...call(), responseFormat: Trip });
    expect(await readAll(stream.partialObjects())).toEqual([]);
    const message = (await stream.final()).choices[0]?.message;
    expect(message?.parsed).toBeNull();
    expect(message?.refusal).toBe("I can't help with that.");
  });

  it('keeps a "__proto__" key of the answer a key: the snapshot\'s prototype stays Object.prototype', async () => {
    const Titled = z.object({ title: z.string() });
    server.handle((_, response) =>
      sendEvents(
        response,
        contentEvents(['{"__proto__":{"title":"inherited"', ',"admin":true},"ti', 'tle":"x"}']),
      ),
    );
    const stream = await completion({ ...call(), responseFormat: Titled });
    const snapshots = await readAll(stream.partialObjects());
    expect(snapshots.length).toBeGreaterThan(0);
    for (const snapshot of snapshots) {
      expect(Object.getPrototypeOf(snapshot)).toBe(Object.prototype);
      expect(Object.hasOwn(snapshot, "__proto__")).toBe(true);
      expect((snapshot as { admin?: unknown }).admin).toBeUndefined();
    }
    // No title is inherited from the "__proto__" object while the real one has not come.
    expect(snapshots[0]?.title).toBeUndefined();
    expect(snapshots.at(-1)?.title).toBe("x");
    expect(snapshots.at(-1)).toEqual(
      JSON.parse('{"__proto__":{"title":"inherited","admin":true},"title":"x"}'),
    );
    // And the whole answer parses, the key being no field of the schema.
    expect((await stream.final()).choices[0]?.message.parsed).toEqual({ title: "x" });
  });

  it("leaves an optional null inside a union's option to final(), which knows the option", async () => {
    const Shape = z.object({
      shapes: z.array(
        z.union([
          z.object({ kind: z.literal("circle"), radius: z.number(), label: z.string().optional() }),
          z.object({ kind: z.literal("square"), side: z.number() }),
        ]),
      ),
    });
    const text =
      '{"shapes":[{"kind":"circle","radius":2,"label":null},{"kind":"square","side":3}]}';
    server.handle((_, response) =>
      sendEvents(response, contentEvents([text.slice(0, 40), text.slice(40, 60), text.slice(60)])),
    );
    const stream = await completion({ ...call(), responseFormat: Shape });
    const snapshots = await readAll(stream.partialObjects());
    expect(snapshots.at(-1)).toEqual(JSON.parse(text));
    expect((await stream.final()).choices[0]?.message.parsed).toEqual({
      shapes: [
        { kind: "circle", radius: 2 },
        { kind: "square", side: 3 },
      ],
    });
  });

  it("works with a streamed mockResponse", async () => {
    const stream = await completion({
      model: "openai/gpt-5",
      messages,
      stream: true,
      mockResponse: '{"city": "Paris", "celsius": 18}',
      responseFormat: z.object({ city: z.string(), celsius: z.number() }),
    });
    expect(await readAll(stream.partialObjects())).toEqual([
      {},
      { city: "Paris" },
      { city: "Paris", celsius: 18 },
    ]);
    expect((await stream.final()).choices[0]?.message.parsed).toEqual({
      city: "Paris",
      celsius: 18,
    });
  });
});

describe("parsePartialJson()", () => {
  it("reads nothing from blank or non-JSON text", () => {
    for (const text of ["", "  \n", "-", "Sure! Here it is", "```json\n{"]) {
      expect(parsePartialJson(text)).toBeUndefined();
    }
  });

  it("reads cut strings, arrays and objects as far as they go", () => {
    expect(parsePartialJson("{")).toEqual({});
    expect(parsePartialJson('{"ci')).toEqual({});
    expect(parsePartialJson('{"city":')).toEqual({});
    expect(parsePartialJson('{"city":"Pa')).toEqual({ city: "Pa" });
    expect(parsePartialJson('{"city":"caf\\u00')).toEqual({ city: "caf" });
    expect(parsePartialJson('{"tags":["a","b')).toEqual({ tags: ["a", "b"] });
    expect(parsePartialJson('{"days":[{"n":1},{"n":')).toEqual({ days: [{ n: 1 }, {}] });
    expect(parsePartialJson('{"ok":tr')).toEqual({ ok: true });
    expect(parsePartialJson('{"note":nu')).toEqual({ note: null });
    expect(parsePartialJson('{"a":1,"b":[true,null]}')).toEqual({ a: 1, b: [true, null] });
  });

  it("leaves out a number that may still grow", () => {
    expect(parsePartialJson('{"n":12')).toEqual({});
    expect(parsePartialJson('{"n":12 ')).toEqual({});
    expect(parsePartialJson('{"n":1.5e')).toEqual({});
    expect(parsePartialJson('{"n":-')).toEqual({});
    expect(parsePartialJson("[1, 22")).toEqual([1]);
    expect(parsePartialJson('{"n":123,')).toEqual({ n: 123 });
    expect(parsePartialJson('{"n":123}')).toEqual({ n: 123 });
  });

  it('turns a "__proto__" key, however written, into an own key as JSON.parse does', () => {
    for (const text of [
      '{"__proto__":{"x":1},"a":[{"__proto__":null}]}',
      '{"\\u005f_proto__":{"x":1},"a":[{"__proto__":null}]}',
    ]) {
      const value = parsePartialJson(text) as Record<string, unknown>;
      const expected = JSON.parse(text) as Record<string, unknown>;
      expect(Object.getPrototypeOf(value)).toBe(Object.prototype);
      expect(value.x).toBeUndefined();
      expect(Object.getOwnPropertyDescriptor(value, "__proto__")?.value).toEqual({ x: 1 });
      const [item] = value.a as object[];
      expect(Object.getPrototypeOf(item)).toBe(Object.prototype);
      expect(Object.getOwnPropertyDescriptor(item, "__proto__")?.value).toBeNull();
      // Where JSON.parse keeps the key's place, it comes last here: the same object otherwise.
      expect(value).toEqual(expected);
    }
  });
});
