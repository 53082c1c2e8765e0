import fc from "fast-check";
import { assert, beforeAll, describe, expect, it, vi } from "vitest";
import { loadSchemas } from "../src/params/load-schemas.js";
import { quickCheck } from "../src/params/quick-check.js";
import type { CallName } from "../src/params/schemas.js";
import { chatCompletionBody } from "./helpers/fixtures.js";
import { sendJson, useTestServer } from "./helpers/server.js";

const server = useTestServer();
const callNames: CallName[] = ["completion", "embedding", "imageGeneration", "listModels"];

type Schemas = Awaited<ReturnType<typeof loadSchemas>>["paramsSchemas"];
let schemas: Schemas;
beforeAll(async () => {
  schemas = (await loadSchemas()).paramsSchemas;
});

/** zod's verdict on `params` for `callName`, with its issues when it rejects. */
function zodVerdict(callName: CallName, params: unknown): { success: boolean; issues: unknown } {
  const result = schemas[callName].safeParse(params);
  return { success: result.success, issues: result.error?.issues };
}

/** The smallest valid parameters of each call. */
const minimal: Record<CallName, Record<string, unknown>> = {
  completion: { model: "cometapi/gpt-5", messages: [{ role: "user", content: "Hi" }] },
  embedding: { model: "cometapi/text-embedding-3-small", input: "Hi" },
  imageGeneration: { model: "cometapi/dall-e-3", prompt: "A red fox" },
  listModels: { provider: "cometapi" },
};

const signal = new AbortController().signal;
/** Calls as users make them, valid, and all of them within what the quick check is sure of. */
const usual: [CallName, Record<string, unknown>][] = [
  ["completion", { ...minimal.completion, apiKey: "sk-1", apiBase: "http://127.0.0.1:1/v1" }],
  [
    "completion",
    {
      model: "cometapi/gpt-5",
      messages: [
        { role: "system", content: "Be brief." },
        { role: "developer", content: "Answer in French.", name: "ops" },
        { role: "user", content: "Weather in Paris?", name: "ana" },
        {
          role: "assistant",
          content: null,
          tool_calls: [
            { id: "call_1", type: "function", function: { name: "weather", arguments: "{}" } },
          ],
          reasoning_content: "Look it up.",
          refusal: null,
        },
        { role: "tool", content: "18C", tool_call_id: "call_1" },
        { role: "assistant", content: "18C and sunny." },
        { role: "assistant" },
      ],
      stream: true,
      stream_options: { include_usage: true },
      temperature: 0.7,
      top_p: 1,
      n: 1,
      stop: ["\n\n"],
      max_tokens: 100,
      max_completion_tokens: null,
      presence_penalty: -2,
      frequency_penalty: 2,
      logit_bias: { "50256": -100 },
      logprobs: true,
      top_logprobs: 20,
      seed: -7,
      user: "u-1",
      tool_choice: "auto",
      parallel_tool_calls: false,
      reasoning_effort: "low",
      service_tier: "flex",
      modalities: ["text", "audio"],
      audio: { voice: "alloy", format: "wav" },
      prediction: { type: "content", content: "18C" },
      web_search_options: {},
      metadata: { run: "1" },
      store: false,
      verbosity: "low",
      apiKey: "sk-1",
      apiBase: " https://api.cometapi.com/v1 ",
      timeout: Number.POSITIVE_INFINITY,
      maxRetries: 0,
      maxResponseBytes: 1024,
      signal,
      extraHeaders: { "X-Trace": "abc" },
      extraBody: { top_k: 40 },
      dispatcher: { dispatch: () => true },
      fetch: globalThis.fetch,
      streamIdleTimeout: 1000,
      mockResponse: "ok",
    },
  ],
  ["completion", { ...minimal.completion, mockResponse: new Error("down"), user: undefined }],
  ["embedding", { ...minimal.embedding, input: ["a", "b"], dimensions: 256 }],
  ["embedding", { ...minimal.embedding, input: [1, 2, 3], encoding_format: "base64" }],
  [
    "imageGeneration",
    { ...minimal.imageGeneration, n: 1, size: "1024x1024", response_format: "b64_json" },
  ],
  ["listModels", { provider: "cometapi", apiKey: "sk-1", extraHeaders: Object.create(null) }],
];
describe("quickCheck()", () => {
  it("knows exactly the keys of each schema", () => {
    const allKeys = new Set(callNames.flatMap((name) => Object.keys(schemas[name].shape)));
    for (const name of callNames) {
      for (const key of [...allKeys, "maxTokens", "__proto__", "constructor", "toString"]) {
        // An own key set to undefined: unknown to a strict schema even so; a known optional key passes.
        const params = { ...minimal[name] };
        Object.defineProperty(params, key, { value: undefined, enumerable: true });
        const known = Object.hasOwn(schemas[name].shape, key);
        expect(zodVerdict(name, params).success, `${name} ${key}`).toBe(
          known && !Object.hasOwn(minimal[name], key),
        );
        expect(quickCheck(name, params), `${name} ${key}`).toBe(zodVerdict(name, params).success);
      }
    }
  });

  it.each(usual)("is sure of a usual %s call", (name, params) => {
    expect(zodVerdict(name, params)).toEqual({ success: true, issues: undefined });
    expect(quickCheck(name, params)).toBe(true);
  });

  const unsure: [CallName, Record<string, unknown>][] = [
    ["completion", { ...minimal.completion, tools: [] }],
    ["completion", { ...minimal.completion, response_format: { type: "text" } }],
    ["completion", { ...minimal.completion, tool_choice: { type: "function" } }],
    [
      "completion",
      {
        ...minimal.completion,
        messages: [{ role: "user", content: [{ type: "text", text: "Hi" }] }],
      },
    ],
    ["completion", { ...minimal.completion, signal: { aborted: false, addEventListener() {} } }],
    ["completion", { ...minimal.completion, extraBody: { constructor: "x" } }],
    ["completion", { ...minimal.completion, extraBody: new (class Body {})() }],
    ["embedding", { ...minimal.embedding, input: [[1, 2]] }],
  ];
  it.each(unsure)("leaves a %s call it does not describe to the schema", (name, params) => {
    expect(quickCheck(name, params)).toBe(false);
  });

  const invalid: [CallName, Record<string, unknown>][] = [
    ["completion", { ...minimal.completion, model: "" }],
    ["completion", { ...minimal.completion, messages: [] }],
    ["completion", { ...minimal.completion, messages: [{ role: "tool", content: "x" }] }],
    ["completion", { ...minimal.completion, messages: [{ role: "user", content: null }] }],
    ["completion", { ...minimal.completion, messages: [{ role: "assistant", tool_calls: null }] }],
    ["completion", { ...minimal.completion, temperature: 2.000001 }],
    ["completion", { ...minimal.completion, top_logprobs: 21 }],
    ["completion", { ...minimal.completion, n: 0 }],
    ["completion", { ...minimal.completion, seed: 2 ** 53 }],
    ["completion", { ...minimal.completion, user: null }],
    ["completion", { ...minimal.completion, web_search_options: null }],
    ["completion", { ...minimal.completion, apiBase: "not a url" }],
    ["completion", { ...minimal.completion, timeout: 0 }],
    ["completion", { ...minimal.completion, maxResponseBytes: 0 }],
    ["completion", { ...minimal.completion, extraHeaders: { "X-Count": 1 } }],
    ["completion", { ...minimal.completion, extraHeaders: { [Symbol("s")]: "x" } }],
    ["completion", { ...minimal.completion, metadata: ["x"] }],
    ["completion", Object.assign(Object.create({ temperature: 9 }), minimal.completion)],
    ["completion", Object.defineProperty({ ...minimal.completion }, "top_p", { value: 9 })],
    ["embedding", { ...minimal.embedding, input: [] }],
    ["embedding", { ...minimal.embedding, input: [1.5] }],
    ["imageGeneration", { ...minimal.imageGeneration, prompt: "" }],
    ["listModels", { provider: "" }],
  ];
  it.each(invalid)("rejects an invalid %s call as zod does", (name, params) => {
    expect(zodVerdict(name, params).success).toBe(false);
    expect(quickCheck(name, params)).toBe(false);
  });
});

// ---------------------------------------------------------------------------------------------
// Generated parameters: valid ones, and ones a little off (types, ranges, shapes, placement)
// ---------------------------------------------------------------------------------------------

const oddValues = fc.constantFrom<unknown>(
  undefined,
  null,
  "",
  "x",
  0,
  -0,
  1,
  -1,
  1.5,
  21,
  2 ** 53,
  Number.NaN,
  Number.POSITIVE_INFINITY,
  true,
  [],
  [undefined],
  {},
  Object.create(null),
  { constructor: "x" },
  { constructor: Object },
  { [Symbol("s")]: "x" },
  new (class Box {
    value = "x";
  })(),
  new Error("x"),
  new AbortController().signal,
  { aborted: false, addEventListener() {} },
  { dispatch: 1 },
  () => {},
  1n,
  Symbol("s"),
);
const anything = fc.oneof(
  oddValues,
  fc.string(),
  fc.double(),
  fc.integer(),
  fc.anything({ maxDepth: 2 }),
);
const commonlyWrong = fc.constantFrom<unknown>(undefined, null, "", "x", 0, -1, 1.5, true, [], {});
/** Usually `valid`, else a commonly wrong value, or anything at all. */
const mostly = (valid: fc.Arbitrary<unknown>) =>
  fc.oneof(
    { weight: 6, arbitrary: valid },
    { weight: 2, arbitrary: commonlyWrong },
    { weight: 1, arbitrary: anything },
  );
const orNullish = (valid: fc.Arbitrary<unknown>) =>
  fc.oneof({ weight: 4, arbitrary: valid }, fc.constantFrom(null, undefined));
const numberAround = (min: number, max: number) =>
  fc.oneof(
    fc.double({ min: min - 1, max: max + 1 }),
    fc.constantFrom(min, max, min - 1e-9, max + 1e-9),
  );
const integerAround = (min: number, max = 1000) =>
  fc.oneof(
    fc.integer({ min: min - 2, max: max + 2 }),
    fc.constantFrom(min - 1, min, min + 0.5, max, max + 1, 2 ** 53, Number.MAX_SAFE_INTEGER),
  );
const strings = fc.oneof(fc.string(), fc.constant(""));

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null;

/** Marks a key to remove in {@link replaceNode}. */
const REMOVE = Symbol("remove");

/** Arrays and plain objects are walked into; anything else (a signal, an Error) is one node. */
function childrenOf(node: unknown): [string, unknown][] | undefined {
  if (Array.isArray(node)) return Object.entries(node);
  if (typeof node !== "object" || node === null) return undefined;
  const prototype = Object.getPrototypeOf(node);
  return prototype === Object.prototype || prototype === null ? Object.entries(node) : undefined;
}

/** How many nodes `value` has, itself included, counted depth first. */
function nodeCount(value: unknown): number {
  let count = 1;
  for (const [, inner] of childrenOf(value) ?? []) count += nodeCount(inner);
  return count;
}

/**
 * A copy of `value` with its `target`th node (depth first, `value` itself being 0) replaced by
 * `replacement`, or removed for {@link REMOVE}.
 */
function replaceNode(value: unknown, target: number, replacement: unknown): unknown {
  let index = 0;
  const visit = (node: unknown): unknown => {
    if (index++ === target) return replacement;
    const children = childrenOf(node);
    if (children === undefined) return node;
    if (Array.isArray(node)) return children.map(([, inner]) => visit(inner));
    const copy: Record<string, unknown> = Object.create(Object.getPrototypeOf(node));
    for (const [key, inner] of children) {
      const result = visit(inner);
      if (result !== REMOVE) copy[key] = result;
    }
    return copy;
  };
  const result = visit(value);
  return result === REMOVE ? undefined : result;
}

/** A valid value, or one with a single value somewhere inside it wrong or missing. */
const nearly = (valid: fc.Arbitrary<unknown>) =>
  fc.oneof(
    { weight: 2, arbitrary: valid },
    {
      weight: 3,
      arbitrary: fc
        .tuple(valid, fc.nat({ max: 12 }), fc.oneof(fc.constant(REMOVE), commonlyWrong, anything))
        .map(([value, target, replacement]) => replaceNode(value, target, replacement)),
    },
  );

const withSymbolKey = (record: Record<string, unknown>) => ({ ...record, [Symbol("s")]: "x" });
/** An own `constructor` that zod's `isPlainObject` reads: a class makes the record not plain. */
const withConstructor = (record: Record<string, unknown>) => ({ ...record, constructor: class {} });
const recordOf = (values: fc.Arbitrary<unknown>) =>
  fc.oneof(
    { weight: 6, arbitrary: nearly(fc.dictionary(fc.string(), values, { maxKeys: 3 })) },
    fc.constant(Object.create(null)),
    fc.dictionary(fc.string(), values, { maxKeys: 2 }).map(withSymbolKey),
    fc.dictionary(fc.string(), values, { maxKeys: 2 }).map(withConstructor),
  );
const stringRecord = recordOf(fc.string());
const unknownRecord = recordOf(fc.anything({ maxDepth: 1 }));

const toolCall = fc.record({
  id: fc.string(),
  type: fc.constant("function"),
  function: fc.record({ name: fc.string(), arguments: fc.string() }),
});
const validMessage = fc.oneof(
  fc.record(
    {
      role: fc.constantFrom("system", "developer", "user"),
      content: fc.string(),
      name: fc.string(),
    },
    { requiredKeys: ["role", "content"] },
  ),
  fc.record(
    {
      role: fc.constant("assistant"),
      content: orNullish(fc.string()),
      name: fc.string(),
      tool_calls: fc.array(toolCall, { maxLength: 2 }),
      reasoning_content: orNullish(fc.string()),
      refusal: orNullish(fc.string()),
    },
    { requiredKeys: ["role"] },
  ),
  fc.record({ role: fc.constant("tool"), content: fc.string(), tool_call_id: fc.string() }),
  // Content parts: the quick check leaves them to the schema.
  fc.constant({ role: "user", content: [{ type: "text", text: "x" }] }),
);
const messages = fc.oneof(
  { weight: 6, arbitrary: nearly(fc.array(validMessage, { minLength: 1, maxLength: 3 })) },
  fc.constant([]),
);

const clientOptionValues: Record<string, fc.Arbitrary<unknown>> = {
  apiKey: strings,
  apiBase: fc.constantFrom("http://127.0.0.1:1/v1", " https://x.test/v1 ", "not a url", "x:", ""),
  timeout: numberAround(0, 1e6),
  maxRetries: integerAround(0),
  maxResponseBytes: integerAround(1),
  signal: fc.constant(new AbortController().signal),
  extraHeaders: stringRecord,
  extraBody: unknownRecord,
  dispatcher: fc.constant({ dispatch: () => true }),
  fetch: fc.constant(globalThis.fetch),
};

/** Values near each key's domain, valid or a little off; `anything` covers the rest. */
const valuesByKey: Record<string, fc.Arbitrary<unknown>> = {
  ...clientOptionValues,
  model: strings,
  provider: strings,
  prompt: strings,
  messages,
  input: fc.oneof(
    strings,
    nearly(fc.array(fc.string(), { maxLength: 3 })),
    nearly(fc.array(fc.integer(), { maxLength: 3 })),
    fc.array(fc.oneof(fc.integer(), fc.double()), { maxLength: 3 }),
    nearly(fc.array(fc.array(fc.integer(), { maxLength: 2 }), { maxLength: 2 })),
  ),
  stream: orNullish(fc.boolean()),
  temperature: numberAround(0, 2),
  top_p: numberAround(0, 1),
  n: integerAround(1),
  stop: orNullish(fc.oneof(fc.string(), nearly(fc.array(fc.string(), { maxLength: 3 })))),
  max_tokens: orNullish(integerAround(1)),
  max_completion_tokens: orNullish(integerAround(1)),
  presence_penalty: numberAround(-2, 2),
  frequency_penalty: numberAround(-2, 2),
  logit_bias: orNullish(recordOf(fc.double())),
  logprobs: orNullish(fc.boolean()),
  top_logprobs: orNullish(integerAround(0, 20)),
  seed: orNullish(
    fc.oneof(fc.integer(), fc.constantFrom(0.5, 2 ** 53, -(2 ** 53), Number.MIN_SAFE_INTEGER)),
  ),
  user: strings,
  tool_choice: fc.constantFrom("none", "auto", "required", "any", { type: "function" }),
  parallel_tool_calls: fc.boolean(),
  reasoning_effort: orNullish(fc.string()),
  stream_options: orNullish(
    nearly(fc.record({ include_usage: fc.boolean() }, { requiredKeys: [] })),
  ),
  service_tier: orNullish(fc.string()),
  modalities: orNullish(nearly(fc.array(fc.constantFrom("text", "audio"), { maxLength: 2 }))),
  audio: orNullish(nearly(fc.record({ voice: fc.string(), format: fc.string() }))),
  prediction: orNullish(nearly(fc.record({ type: fc.constant("content"), content: fc.string() }))),
  web_search_options: unknownRecord,
  metadata: orNullish(stringRecord),
  store: orNullish(fc.boolean()),
  verbosity: orNullish(fc.constantFrom("low", "medium", "high", "max")),
  streamIdleTimeout: numberAround(0, 1e6),
  mockResponse: fc.constantFrom("ok", "", new Error("x"), 5),
  dimensions: integerAround(1),
  encoding_format: fc.constantFrom("float", "base64", "hex"),
  size: strings,
  quality: strings,
  style: strings,
  background: strings,
  output_format: strings,
};

/** How an entry is put on the parameters object: as usual, inherited, or not enumerable. */
type Placement = "own" | "inherited" | "hidden";

function paramsOf(entries: [string, unknown, Placement][]): Record<string, unknown> {
  const params: Record<string, unknown> = {};
  const prototype: Record<string, unknown> = {};
  let inherits = false;
  for (const [key, value, placement] of entries) {
    if (placement === "inherited") inherits = true;
    // defineProperty, not assignment: an own `__proto__` key stays a key.
    Object.defineProperty(placement === "inherited" ? prototype : params, key, {
      value,
      enumerable: placement !== "hidden",
      configurable: true,
      writable: true,
    });
  }
  if (inherits) Object.setPrototypeOf(params, prototype);
  return params;
}

const valuesFor = (key: string) =>
  (Object.hasOwn(valuesByKey, key) ? valuesByKey[key] : undefined) ?? anything;

function paramsArbitrary(callName: CallName) {
  const known = Object.keys(valuesByKey);
  const keys = fc.oneof(
    { weight: 8, arbitrary: fc.constantFrom(...known) },
    fc.constantFrom("maxTokens", "whatever", "__proto__", "constructor", "toString", ""),
  );
  const placement = fc.oneof(
    { weight: 10, arbitrary: fc.constant<Placement>("own") },
    fc.constantFrom<Placement>("inherited", "hidden"),
  );
  const entry = keys.chain((key) => fc.tuple(fc.constant(key), mostly(valuesFor(key)), placement));
  const required = Object.entries(minimal[callName]).map(([key, value]) =>
    fc.tuple(
      fc.constant(key),
      fc.oneof({ weight: 3, arbitrary: fc.constant(value) }, valuesFor(key)),
      placement,
    ),
  );
  return fc
    .tuple(
      fc.oneof({ weight: 5, arbitrary: fc.tuple(...required) }, fc.constant([])),
      fc.array(entry, { maxLength: 4 }),
    )
    .map(([start, more]) => paramsOf([...start, ...more]));
}

describe("quickCheck() never accepts what zod rejects", () => {
  const replacements: unknown[] = [REMOVE, undefined, null, "", "x", 0, -0.5, 1.5, 21, 2 ** 53];
  replacements.push(
    Number.NaN,
    Number.POSITIVE_INFINITY,
    true,
    [],
    [1],
    {},
    { constructor: class {} },
  );
  it.each(usual)("on every single change to a usual %s call", (callName, params) => {
    let accepted = 0;
    for (let target = 1; target < nodeCount(params); target++) {
      for (const replacement of replacements) {
        const changed = replaceNode(params, target, replacement);
        assert(isRecord(changed));
        if (!quickCheck(callName, changed)) continue;
        accepted++;
        const verdict = zodVerdict(callName, changed);
        expect(verdict, `node ${target} -> ${String(replacement)}`).toEqual({
          success: true,
          issues: undefined,
        });
      }
    }
    expect(accepted).toBeGreaterThan(0);
  });

  it.each(callNames)("on generated %s parameters", (callName) => {
    let accepted = 0;
    const numRuns = 5000;
    fc.assert(
      fc.property(paramsArbitrary(callName), (params) => {
        if (!quickCheck(callName, params)) return;
        accepted++;
        expect(zodVerdict(callName, params)).toEqual({ success: true, issues: undefined });
      }),
      { numRuns },
    );
    // Not vacuous: a good share of the generated parameters is valid, and the check is sure of it.
    expect(accepted).toBeGreaterThan(numRuns / 20);
  });
});

describe("a call the quick check is sure of never loads zod", () => {
  it("loads zod for a call it is unsure of, or to report a failure", async () => {
    vi.resetModules();
    let zodLoads = 0;
    vi.doMock("zod", async (importOriginal) => {
      zodLoads++;
      return importOriginal();
    });
    try {
      const { completion, BadRequestError } = await import("../src/index.js");
      server.handle((_, response) => sendJson(response, 200, chatCompletionBody("Hello")));
      const params = {
        model: "cometapi/gpt-5",
        messages: [{ role: "user" as const, content: "Hi" }],
        apiKey: "sk-1",
        apiBase: server.apiBase,
      };
      const response = await completion(params);
      expect(response.choices[0]?.message.content).toBe("Hello");
      await completion({ ...params, mockResponse: "ok", stream: true });
      expect(zodLoads).toBe(0);

      await completion({ ...params, tools: [{ type: "function", function: { name: "f" } }] });
      expect(zodLoads).toBe(1);
      const error = await completion({ ...params, temperature: 3 }).catch((caught) => caught);
      expect(error).toBeInstanceOf(BadRequestError);
      expect(zodLoads).toBe(1);
    } finally {
      vi.doUnmock("zod");
      vi.resetModules();
    }
  });
});
