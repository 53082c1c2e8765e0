import { describe, expect, it } from "vitest";
import { z } from "zod";
import { completion } from "../src/calls/completion.js";
import { BadRequestError, LLMError, OutputParseError } from "../src/errors/errors.js";
import { createZodRuntime } from "../src/structured/schema-runtime.js";
import { toStrictJsonSchema } from "../src/structured/to-strict-json-schema.js";
import { chatCompletionBody, chunkBody, usageChunkBody } from "./helpers/fixtures.js";
import { sendEvents, sendJson, useTestServer } from "./helpers/server.js";

const server = useTestServer();
const runtime = createZodRuntime(z);
const strict = (schema: z.ZodType) => toStrictJsonSchema(schema, runtime, "responseFormat");
const messages = [{ role: "user" as const, content: "Weather in Paris?" }];
const call = () => ({
  model: "openai/gpt-5",
  messages,
  apiKey: "sk-test",
  apiBase: server.apiBase,
});

const Weather = z.object({
  city: z.string().describe("The city"),
  celsius: z.number(),
  sky: z.enum(["clear", "cloudy", "rain"]),
  note: z.string().optional(),
  wind: z.number().nullable(),
});

/** A `chat.completion` whose first choice's message is `message`. */
function answer(message: Record<string, unknown>, finishReason = "stop") {
  const body = chatCompletionBody("");
  const [choice] = body.choices;
  return {
    ...body,
    choices: [
      {
        ...choice,
        message: { role: "assistant", refusal: null, ...message },
        finish_reason: finishReason,
      },
    ],
  };
}

describe("toStrictJsonSchema()", () => {
  it("makes every key required, optional ones nullable, and closes every object", () => {
    expect(strict(Weather)).toEqual({
      type: "object",
      properties: {
        city: { type: "string", description: "The city" },
        celsius: { type: "number" },
        sky: { type: "string", enum: ["clear", "cloudy", "rain"] },
        note: { type: ["string", "null"] },
        wind: { type: ["number", "null"] },
      },
      required: ["city", "celsius", "sky", "note", "wind"],
      additionalProperties: false,
    });
  });

  it("converts nested objects, arrays, unions, literals and discriminated unions", () => {
    const schema = z.object({
      place: z.object({ lines: z.array(z.string()).min(1), zip: z.string().optional() }),
      tags: z.array(z.object({ id: z.number().int() })).optional(),
      value: z.union([z.string(), z.number()]),
      kind: z.literal("fixed"),
      shape: z.discriminatedUnion("type", [
        z.object({ type: z.literal("circle"), radius: z.number() }),
        z.object({ type: z.literal("square"), side: z.number() }),
      ]),
    });
    expect(strict(schema)).toEqual({
      type: "object",
      properties: {
        place: {
          type: "object",
          properties: {
            lines: { type: "array", items: { type: "string" }, minItems: 1 },
            zip: { type: ["string", "null"] },
          },
          required: ["lines", "zip"],
          additionalProperties: false,
        },
        tags: {
          anyOf: [
            {
              type: "array",
              items: {
                type: "object",
                properties: { id: { type: "integer" } },
                required: ["id"],
                additionalProperties: false,
              },
            },
            { type: "null" },
          ],
        },
        value: { type: ["string", "number"] },
        kind: { type: "string", enum: ["fixed"] },
        shape: {
          anyOf: [
            {
              type: "object",
              properties: {
                type: { type: "string", enum: ["circle"] },
                radius: { type: "number" },
              },
              required: ["type", "radius"],
              additionalProperties: false,
            },
            {
              type: "object",
              properties: { type: { type: "string", enum: ["square"] }, side: { type: "number" } },
              required: ["type", "side"],
              additionalProperties: false,
            },
          ],
        },
      },
      required: ["place", "tags", "value", "kind", "shape"],
      additionalProperties: false,
    });
  });

  it("keeps formats strict mode knows and drops the narrowing it does not enforce", () => {
    const schema = z.object({
      email: z.email(),
      id: z.uuid(),
      site: z.url(),
      name: z.string().min(2).max(9),
      code: z.string().regex(/^[A-Z]{3}$/),
    });
    expect(strict(schema).properties).toEqual({
      email: { type: "string", format: "email" },
      id: { type: "string", format: "uuid" },
      site: { type: "string" },
      name: { type: "string" },
      code: { type: "string", pattern: "^[A-Z]{3}$" },
    });
  });

  it("keeps recursion through $defs, closed", () => {
    const Node: z.ZodType<{ name: string; children: unknown[] }> = z.object({
      name: z.string(),
      get children() {
        return z.array(Node);
      },
    });
    const schema = strict(z.object({ tree: Node }));
    const [name] = Object.keys(schema.$defs as Record<string, unknown>);
    const ref = { $ref: `#/$defs/${name}` };
    expect(schema).toEqual({
      type: "object",
      properties: { tree: ref },
      required: ["tree"],
      additionalProperties: false,
      $defs: {
        [name as string]: {
          type: "object",
          properties: { name: { type: "string" }, children: { type: "array", items: ref } },
          required: ["name", "children"],
          additionalProperties: false,
        },
      },
    });
  });

  it.each([
    [z.object({ scores: z.record(z.string(), z.number()) }), "`scores` is a record"],
    [
      z.object({ extra: z.looseObject({ a: z.string() }) }),
      "`extra` takes keys beyond the ones named",
    ],
    [z.object({ pair: z.tuple([z.string(), z.number()]) }), "`pair` is a tuple"],
    [z.object({ when: z.date() }), "`when` is a z.date()"],
    [z.object({ anything: z.unknown() }), "`anything` is z.unknown()"],
    [z.object({ list: z.array(z.object({ n: z.bigint() })) }), "`list[].n` is a z.bigint()"],
    [z.array(z.string()), "its root is a array"],
    [z.string(), "its root is a string"],
    [z.object({ moved: z.transform((value: unknown) => String(value)) }), "`moved` is a transform"],
  ])("refuses what strict mode cannot express (%#)", (schema, message) => {
    expect(() => strict(schema)).toThrow(BadRequestError);
    expect(() => strict(schema)).toThrow(message);
  });

  it("merges an intersection of objects, as zod does", () => {
    const schema = z.object({ both: z.object({ a: z.string() }).and(z.object({ b: z.string() })) });
    expect(strict(schema).properties).toEqual({
      both: {
        type: "object",
        properties: { a: { type: "string" }, b: { type: "string" } },
        required: ["a", "b"],
        additionalProperties: false,
      },
    });
  });

  it("describes a transform by its input", () => {
    const schema = z.object({ count: z.string().transform(Number) });
    expect(strict(schema).properties).toEqual({ count: { type: "string" } });
  });
});

describe("completion({ responseFormat })", () => {
  it("sends the strict response_format and parses the answer into message.parsed", async () => {
    server.handle((_, response) =>
      sendJson(
        response,
        200,
        answer({ content: '{"city":"Paris","celsius":18,"sky":"clear","note":null,"wind":null}' }),
      ),
    );
    const response = await completion({ ...call(), responseFormat: Weather });
    const seen = await server.nextRequest();
    expect(seen.json?.response_format).toEqual({
      type: "json_schema",
      json_schema: { name: "response", strict: true, schema: strict(Weather) },
    });
    expect(seen.json).not.toHaveProperty("responseFormat");
    const parsed = response.choices[0]?.message.parsed;
    expect(parsed).toEqual({ city: "Paris", celsius: 18, sky: "clear", wind: null });
    expect(parsed).not.toHaveProperty("note");
  });

  it("names the json_schema after the schema's title", async () => {
    server.handle((_, response) => sendJson(response, 200, answer({ content: '{"ok":true}' })));
    await completion({
      ...call(),
      responseFormat: z.object({ ok: z.boolean() }).meta({ title: "check" }),
    });
    const seen = await server.nextRequest();
    expect(seen.json?.response_format).toMatchObject({ json_schema: { name: "check" } });
  });

  it("applies a default for an optional key the model left null", async () => {
    server.handle((_, response) =>
      sendJson(response, 200, answer({ content: '{"unit":null,"items":[{"n":1,"label":null}]}' })),
    );
    const schema = z.object({
      unit: z.enum(["C", "F"]).default("C"),
      items: z.array(z.object({ n: z.number(), label: z.string().nullable().optional() })),
    });
    const response = await completion({ ...call(), responseFormat: schema });
    // `label` takes null itself, so the model's null is kept.
    expect(response.choices[0]?.message.parsed).toEqual({
      unit: "C",
      items: [{ n: 1, label: null }],
    });
  });

  it("throws an OutputParseError with the text and zod's issues, once (not retried)", async () => {
    const content = '{"city":"Paris","celsius":"warm","sky":"clear","note":null,"wind":null}';
    server.handle((_, response) => sendJson(response, 200, answer({ content })));
    const error = await completion({ ...call(), responseFormat: Weather }).catch(
      (caught: unknown) => caught,
    );
    expect(error).toBeInstanceOf(OutputParseError);
    expect(error).toBeInstanceOf(LLMError);
    const failure = error as OutputParseError;
    expect(failure.text).toBe(content);
    expect(failure.issues.map((issue) => issue.path)).toEqual([["celsius"]]);
    expect(failure.isRetryable).toBe(false);
    expect(failure.message).toContain("openai/gpt-5 does not match the schema: celsius:");
    expect(JSON.stringify(failure)).not.toContain("warm");
    expect(server.requests).toHaveLength(1);
  });

  it("parses an answer with keys the schema lacks that objects inherit (toString, __proto__)", async () => {
    const content =
      '{"city":"Paris","celsius":18,"sky":"clear","note":null,"wind":null,"toString":1,"__proto__":{"sky":"rain"}}';
    server.handle((_, response) => sendJson(response, 200, answer({ content })));
    const response = await completion({ ...call(), responseFormat: Weather });
    expect(response.choices[0]?.message.parsed).toEqual({
      city: "Paris",
      celsius: 18,
      sky: "clear",
      wind: null,
    });
    // A field only under "__proto__" is missing, not inherited.
    const inherited =
      '{"city":"Paris","celsius":18,"note":null,"wind":null,"__proto__":{"sky":"rain"}}';
    server.handle((_, response) => sendJson(response, 200, answer({ content: inherited })));
    const error = await completion({ ...call(), responseFormat: Weather }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OutputParseError);
    expect((error as OutputParseError).issues.map((issue) => issue.path)).toEqual([["sky"]]);
  });

  it("throws an OutputParseError for an answer that is not JSON", async () => {
    server.handle((_, response) => sendJson(response, 200, answer({ content: "Sunny, 18C" })));
    const error = await completion({ ...call(), responseFormat: Weather }).catch(
      (caught: unknown) => caught,
    );
    expect(error).toBeInstanceOf(OutputParseError);
    expect((error as OutputParseError).message).toContain("is not JSON");
    expect((error as OutputParseError).issues).toEqual([]);
  });

  it("says when max_tokens cut the JSON", async () => {
    server.handle((_, response) =>
      sendJson(response, 200, answer({ content: '{"city":"Par' }, "length")),
    );
    const error = await completion({ ...call(), max_tokens: 5, responseFormat: Weather }).catch(
      (caught: unknown) => caught,
    );
    expect(error).toBeInstanceOf(OutputParseError);
    expect((error as OutputParseError).message).toContain("cut by max_tokens");
    expect((error as OutputParseError).finishReason).toBe("length");
  });

  it("reports a refusal as a refusal: parsed null, refusal kept", async () => {
    server.handle((_, response) =>
      sendJson(response, 200, answer({ content: null, refusal: "I can't help with that." })),
    );
    const response = await completion({ ...call(), responseFormat: Weather });
    expect(response.choices[0]?.message.parsed).toBeNull();
    expect(response.choices[0]?.message.refusal).toBe("I can't help with that.");
  });

  it("refuses responseFormat with response_format, and what strict mode cannot express, before any request", async () => {
    await expect(
      completion({ ...call(), responseFormat: Weather, response_format: { type: "json_object" } }),
    ).rejects.toThrow("not both");
    await expect(
      completion({ ...call(), responseFormat: z.object({ m: z.map(z.string(), z.string()) }) }),
    ).rejects.toThrow("`m` is a z.map()");
    await expect(
      completion({ ...call(), responseFormat: { type: "json" } as unknown as z.ZodType }),
    ).rejects.toThrow("responseFormat must be a zod schema");
    expect(server.requests).toHaveLength(0);
  });

  it("parses a mockResponse", async () => {
    const response = await completion({
      model: "openai/gpt-5",
      messages,
      mockResponse: '{"ok":true}',
      responseFormat: z.object({ ok: z.boolean() }),
    });
    expect(response.choices[0]?.message.parsed).toEqual({ ok: true });
  });
});

describe("completion({ stream: true, responseFormat })", () => {
  const pieces = ['{"city":"Pa', 'ris","celsius":18,', '"sky":"clear","note":"dry","wind":3}'];
  const events = (contents: string[]) =>
    [
      chunkBody({ role: "assistant", content: "" }),
      ...contents.map((content) => chunkBody({ content })),
      chunkBody({}, "stop"),
      usageChunkBody(),
    ]
      .map((chunk) => `data: ${JSON.stringify(chunk)}\n\n`)
      .concat("data: [DONE]\n\n")
      .join("");

  it("yields the chunks, then final() gives the parsed answer", async () => {
    server.handle((_, response) => sendEvents(response, events(pieces)));
    const stream = await completion({ ...call(), stream: true, responseFormat: Weather });
    let text = "";
    for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? "";
    expect(text).toBe(pieces.join(""));
    const final = await stream.final();
    expect(final.choices[0]?.message.parsed).toEqual({
      city: "Paris",
      celsius: 18,
      sky: "clear",
      note: "dry",
      wind: 3,
    });
    expect(final._hidden_params.provider).toBe("openai");
    const seen = await server.nextRequest();
    expect(seen.json?.response_format).toMatchObject({
      type: "json_schema",
      json_schema: { strict: true },
    });
  });

  it("final() reads the stream itself when nobody iterates it, and rejects with OutputParseError", async () => {
    server.handle((_, response) => sendEvents(response, events(['{"city":', "3}"])));
    const stream = await completion({ ...call(), stream: true, responseFormat: Weather });
    await expect(stream.final()).rejects.toBeInstanceOf(OutputParseError);
  });

  it("final() rejects when the loop is left early", async () => {
    server.handle((_, response) => sendEvents(response, events(pieces)));
    const stream = await completion({ ...call(), stream: true, responseFormat: Weather });
    for await (const _ of stream) break;
    await expect(stream.final()).rejects.toThrow("left or aborted before its end");
  });

  it("works with a streamed mockResponse", async () => {
    const stream = await completion({
      model: "openai/gpt-5",
      messages,
      stream: true,
      mockResponse: '{"ok":true}',
      responseFormat: z.object({ ok: z.boolean() }),
    });
    expect((await stream.final()).choices[0]?.message.parsed).toEqual({ ok: true });
  });
});

describe("responseFormat with gemini/", () => {
  it("is sent as Gemini's responseJsonSchema, and the answer parsed", async () => {
    server.handle((_, response) =>
      sendJson(response, 200, {
        candidates: [
          {
            content: { role: "model", parts: [{ text: '{"city":"Paris","celsius":18}' }] },
            finishReason: "STOP",
            index: 0,
          },
        ],
        usageMetadata: { promptTokenCount: 5, candidatesTokenCount: 7, totalTokenCount: 12 },
        modelVersion: "gemini-2.5-flash",
      }),
    );
    const response = await completion({
      model: "gemini/gemini-2.5-flash",
      messages: [{ role: "user", content: "Weather in Paris?" }],
      apiKey: "gemini-test-key",
      apiBase: server.origin,
      responseFormat: z.object({ city: z.string(), celsius: z.number() }),
    });
    expect(response.choices[0]?.message.parsed).toEqual({ city: "Paris", celsius: 18 });
    const config = server.requests[0]?.json?.generationConfig as Record<string, unknown>;
    expect(config.responseMimeType).toBe("application/json");
    expect(config.responseJsonSchema).toMatchObject({
      type: "object",
      properties: { city: { type: "string" }, celsius: { type: "number" } },
      required: ["city", "celsius"],
    });
  });
});
