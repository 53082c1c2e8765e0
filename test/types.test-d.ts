/** Type tests: what a TypeScript user sees at compile time. Run by vitest's typecheck mode. */
import { describe, expectTypeOf, it } from "vitest";
import {
  type APIError,
  type CompletionParams,
  type CompletionStream,
  completion,
  type DeepPartial,
  type EmbeddingResponse,
  embedding,
  listModels,
  type ModelObject,
  type ModelResponse,
  type ModelResponseStream,
  type NoDeploymentAvailableError,
  RateLimitError,
  type RoutedDeployment,
  Router,
  streamChunkBuilder,
} from "../src/index.js";
import { parseToolCalls } from "../src/structured/parse-tool-calls.js";
import type { ParsedCompletionStream } from "../src/structured/parsed-stream.js";
import { zodTool } from "../src/structured/zod-tool.js";
import type { ParsedModelResponse } from "../src/types.js";

const messages = [{ role: "user" as const, content: "Hi" }];

describe("completion() types", () => {
  it("returns Promise<ModelResponse> without stream", () => {
    expectTypeOf(completion({ model: "cometapi/gpt-5", messages })).toEqualTypeOf<
      Promise<ModelResponse>
    >();
    expectTypeOf(completion({ model: "cometapi/gpt-5", messages, stream: false })).toEqualTypeOf<
      Promise<ModelResponse>
    >();
  });

  it("returns Promise<CompletionStream> with stream: true", () => {
    expectTypeOf(completion({ model: "cometapi/gpt-5", messages, stream: true })).toEqualTypeOf<
      Promise<CompletionStream>
    >();
    expectTypeOf<CompletionStream>().toMatchTypeOf<AsyncIterable<ModelResponseStream>>();
  });

  it("rejects wrong parameter names and types at compile time", () => {
    // @ts-expect-error camelCase wire parameter
    completion({ model: "cometapi/gpt-5", messages, maxTokens: 10 });
    // @ts-expect-error temperature is a number
    completion({ model: "cometapi/gpt-5", messages, temperature: "hot" });
    // @ts-expect-error unknown role
    completion({ model: "cometapi/gpt-5", messages: [{ role: "human", content: "Hi" }] });
    // @ts-expect-error a tool message needs tool_call_id
    completion({ model: "cometapi/gpt-5", messages: [{ role: "tool", content: "x" }] });
    // @ts-expect-error model is required
    completion({ messages });
    // @ts-expect-error apiKey is a string
    completion({ model: "cometapi/gpt-5", messages, apiKey: 42 });
  });

  it("types response, chunk and error fields", () => {
    expectTypeOf<ModelResponse["choices"][number]["message"]["content"]>().toEqualTypeOf<
      string | null
    >();
    expectTypeOf<ModelResponse["_hidden_params"]["attempts"]>().toEqualTypeOf<number>();
    expectTypeOf<ModelResponseStream["choices"][number]["delta"]["content"]>().toEqualTypeOf<
      string | null | undefined
    >();
    expectTypeOf<APIError["status"]>().toEqualTypeOf<number | undefined>();
    expectTypeOf<RateLimitError["requestId"]>().toEqualTypeOf<string | undefined>();
    expectTypeOf(new RateLimitError("x")).toMatchTypeOf<APIError>();
    expectTypeOf(streamChunkBuilder).returns.toEqualTypeOf<ModelResponse>();
  });

  it("documents every key the schema accepts, with the schema's types", async () => {
    const { completionParamsSchema } = await import("../src/params/schemas.js");
    type SchemaKeys = keyof import("zod").input<typeof completionParamsSchema>;
    expectTypeOf<Exclude<SchemaKeys, keyof CompletionParams>>().toEqualTypeOf<never>();
    expectTypeOf<Exclude<keyof CompletionParams, SchemaKeys>>().toEqualTypeOf<never>();
  });

  it("types the other calls", () => {
    expectTypeOf(embedding({ model: "cometapi/e", input: "x" })).toEqualTypeOf<
      Promise<EmbeddingResponse>
    >();
    expectTypeOf(listModels({ provider: "cometapi" })).toEqualTypeOf<Promise<ModelObject[]>>();
  });
});

describe("Router types", () => {
  const router = new Router({
    modelList: [{ modelName: "smart", params: { model: "cometapi/gpt-5", temperature: 0.2 } }],
  });

  it("has completion()'s overloads, with a group name as model", () => {
    expectTypeOf(router.completion({ model: "smart", messages })).toEqualTypeOf<
      Promise<ModelResponse>
    >();
    expectTypeOf(router.completion({ model: "smart", messages, stream: true })).toEqualTypeOf<
      Promise<CompletionStream>
    >();
    expectTypeOf(router.acompletion({ model: "smart", messages, stream: true })).toEqualTypeOf<
      Promise<CompletionStream>
    >();
    expectTypeOf(router.embedding({ model: "embed", input: "x" })).toEqualTypeOf<
      Promise<EmbeddingResponse>
    >();
  });

  it("says where an answer went", () => {
    expectTypeOf<ModelResponse["_hidden_params"]["deployment"]>().toEqualTypeOf<
      RoutedDeployment | undefined
    >();
    expectTypeOf<NoDeploymentAvailableError>().toMatchTypeOf<RateLimitError>();
  });

  it("rejects a deployment without a model, and messages in a deployment", () => {
    // @ts-expect-error params.model is required
    new Router({ modelList: [{ modelName: "x", params: {} }] });
    new Router({
      // @ts-expect-error messages belong to each call
      modelList: [{ modelName: "x", params: { model: "openai/x", messages } }],
    });
  });
});

describe("structured output types", async () => {
  const { z } = await import("zod");
  const Weather = z.object({
    city: z.string(),
    celsius: z.number().optional(),
    unit: z.enum(["C", "F"]).default("C"),
    count: z.string().transform(Number),
  });
  type Parsed = { city: string; celsius?: number | undefined; unit: "C" | "F"; count: number };
  /** The JSON's shape: what the model writes, before defaults and transforms. */
  type Input = {
    city: string;
    celsius?: number | undefined;
    unit?: "C" | "F" | undefined;
    count: string;
  };

  it("through a Router too", () => {
    const router = new Router({
      modelList: [{ modelName: "smart", params: { model: "openai/x" } }],
    });
    expectTypeOf(
      router.completion({ model: "smart", messages, responseFormat: Weather }),
    ).toEqualTypeOf<Promise<ParsedModelResponse<Parsed>>>();
    expectTypeOf(
      router.completion({ model: "smart", messages, responseFormat: Weather, stream: true }),
    ).toEqualTypeOf<Promise<ParsedCompletionStream<Parsed, Input>>>();
  });

  it("types message.parsed as the schema's output", () => {
    const call = completion({ model: "openai/gpt-5", messages, responseFormat: Weather });
    expectTypeOf(call).toEqualTypeOf<Promise<ParsedModelResponse<Parsed>>>();
    expectTypeOf<
      Awaited<typeof call>["choices"][number]["message"]["parsed"]
    >().toEqualTypeOf<Parsed | null>();
    expectTypeOf(
      completion({ model: "openai/gpt-5", messages, stream: false, responseFormat: Weather }),
    ).toEqualTypeOf<Promise<ParsedModelResponse<Parsed>>>();
    expectTypeOf<ParsedModelResponse<Parsed>>().toMatchTypeOf<ModelResponse>();
  });

  it("types snapshots by the schema's input: a transformed field as the model writes it", async () => {
    const stream = await completion({
      model: "openai/gpt-5",
      messages,
      stream: true,
      responseFormat: Weather,
    });
    for await (const snapshot of stream.partialObjects()) {
      expectTypeOf(snapshot.count).toEqualTypeOf<string | undefined>();
      expectTypeOf(snapshot.unit).toEqualTypeOf<"C" | "F" | undefined>();
    }
    expectTypeOf((await stream.final()).choices[0]!.message.parsed).toEqualTypeOf<Parsed | null>();
  });

  it("types a stream's final()", () => {
    const call = completion({
      model: "openai/gpt-5",
      messages,
      stream: true,
      responseFormat: Weather,
    });
    expectTypeOf(call).toEqualTypeOf<Promise<ParsedCompletionStream<Parsed, Input>>>();
    expectTypeOf<ParsedCompletionStream<Parsed>>().toMatchTypeOf<CompletionStream>();
    expectTypeOf<Awaited<ReturnType<ParsedCompletionStream<Parsed>["final"]>>>().toEqualTypeOf<
      ParsedModelResponse<Parsed>
    >();
  });

  it("types partialObjects() snapshots as DeepPartial of the schema's output", async () => {
    const Trip = z.object({
      city: z.string(),
      nights: z.number().optional(),
      days: z.array(z.object({ stop: z.string(), tags: z.array(z.string()).readonly() })),
    });
    const stream = await completion({
      model: "openai/gpt-5",
      messages,
      stream: true,
      responseFormat: Trip,
    });
    type Output = {
      city: string;
      nights?: number | undefined;
      days: { stop: string; tags: readonly string[] }[];
    };
    expectTypeOf(stream.partialObjects()).toEqualTypeOf<
      AsyncIterableIterator<DeepPartial<Output>>
    >();
    for await (const trip of stream.partialObjects()) {
      expectTypeOf(trip.city).toEqualTypeOf<string | undefined>();
      expectTypeOf(trip.nights).toEqualTypeOf<number | undefined>();
      expectTypeOf(trip.days).toEqualTypeOf<
        { stop?: string; tags?: readonly string[] }[] | undefined
      >();
      expectTypeOf(trip.days?.[0]?.stop).toEqualTypeOf<string | undefined>();
      expectTypeOf(trip.days?.[0]?.tags).toEqualTypeOf<readonly string[] | undefined>();
    }
    expectTypeOf<DeepPartial<{ a: { b: number[] }[] }>>().toEqualTypeOf<{
      a?: { b?: number[] }[];
    }>();
    expectTypeOf<DeepPartial<string | null>>().toEqualTypeOf<string | null>();
  });

  it("keeps the other overloads", () => {
    expectTypeOf(completion({ model: "openai/gpt-5", messages })).toEqualTypeOf<
      Promise<ModelResponse>
    >();
    // @ts-expect-error responseFormat is a zod schema
    completion({ model: "openai/gpt-5", messages, responseFormat: { type: "json_object" } });
  });

  it("types parsed tool calls by name", () => {
    const weather = zodTool({ name: "get_weather", parameters: z.object({ city: z.string() }) });
    const search = zodTool({
      name: "search",
      parameters: z.object({ query: z.string(), limit: z.number() }),
    });
    expectTypeOf(weather.function.name).toEqualTypeOf<"get_weather">();
    const response = {} as ModelResponse;
    for (const call of parseToolCalls(response, [weather, search])) {
      if (call.error) {
        expectTypeOf(call.arguments).toEqualTypeOf<undefined>();
        continue;
      }
      if (call.name === "get_weather")
        expectTypeOf(call.arguments).toEqualTypeOf<{ city: string }>();
      else expectTypeOf(call.arguments).toEqualTypeOf<{ query: string; limit: number }>();
    }
  });
});
