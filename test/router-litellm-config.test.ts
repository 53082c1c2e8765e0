/**
 * `routerOptionsFromLiteLLMConfig()` (behind `Router.fromLiteLLMConfig()`): a LiteLLM proxy
 * config.yaml, parsed with the `yaml` package as users do, becomes `RouterOptions` that a Router
 * accepts and that send calls where the config says.
 */
import { readFileSync } from "node:fs";
import { afterEach, describe, expect, it, vi } from "vitest";
import { parse } from "yaml";
import { BadRequestError, listProviders, Router } from "../src/index.js";
import { routerOptionsFromLiteLLMConfig } from "../src/router/litellm/from-litellm-config.js";
import { chatCompletionBody } from "./helpers/fixtures.js";
import { sendJson, useTestServer } from "./helpers/server.js";

const server = useTestServer();
const messages = [{ role: "user" as const, content: "Hi" }];
const configYaml = readFileSync(new URL("./fixtures/litellm/config.yaml", import.meta.url), "utf8");

const env = () => ({
  OPENAI_API_KEY: "sk-test-openai",
  COMETAPI_KEY: "sk-test-comet",
  TEST_API_BASE: server.apiBase,
});

/** The error `routerOptionsFromLiteLLMConfig(config, env)` throws. */
function errorOf(config: unknown, environment: Record<string, string> = {}): BadRequestError {
  try {
    routerOptionsFromLiteLLMConfig(config, environment);
  } catch (error) {
    if (error instanceof BadRequestError) return error;
    throw error;
  }
  throw new Error("expected a BadRequestError");
}

/** A config with one OpenAI deployment, and `extra` merged in at the top level. */
const configWith = (extra: Record<string, unknown>, entry: Record<string, unknown> = {}) => ({
  model_list: [
    { model_name: "smart", litellm_params: { model: "openai/gpt-4o", api_key: "sk-1" }, ...entry },
  ],
  ...extra,
});

afterEach(() => {
  vi.restoreAllMocks();
});

describe("a LiteLLM config.yaml as the docs write one", () => {
  it("becomes these RouterOptions", () => {
    const apiBase = server.apiBase;
    expect(routerOptionsFromLiteLLMConfig(parse(configYaml), env())).toEqual({
      modelList: [
        {
          modelName: "gpt-4o",
          id: "gpt-4o-openai",
          rpm: 480,
          // stream_timeout and max_retries are left out on purpose (see from-litellm-config.ts)
          params: { model: "openai/gpt-4o", apiKey: "sk-test-openai", apiBase, timeout: 300_000 },
        },
        {
          modelName: "gpt-4o",
          rpm: 240,
          params: { model: "cometapi/gpt-4o", apiKey: "sk-test-comet", apiBase, timeout: 30_000 },
        },
        {
          modelName: "gpt-4o-mini",
          tpm: 200_000,
          params: {
            model: "openai/gpt-4o-mini",
            apiKey: "sk-test-openai",
            apiBase,
            temperature: 0.2,
            max_tokens: 1024,
            timeout: 30_000,
          },
        },
        {
          modelName: "vllm-models",
          rpm: 1440,
          params: {
            model: "openai/facebook/opt-125m",
            apiKey: "none",
            apiBase: "http://0.0.0.0:4000/v1",
            timeout: 30_000,
          },
        },
      ],
      routingStrategy: "usage-based",
      numRetries: 2,
      allowedFails: 3,
      cooldownTime: 30_000,
      fallbacks: { "gpt-4o": ["gpt-4o-mini"], "vllm-models": ["gpt-4o-mini"] },
      contextWindowFallbacks: { "gpt-4o-mini": ["gpt-4o"] },
    });
  });

  it("makes a Router whose call goes where the config says", async () => {
    server.handle((_, response) =>
      sendJson(response, 200, chatCompletionBody("Hello from 4o-mini")),
    );
    const router = new Router(routerOptionsFromLiteLLMConfig(parse(configYaml), env()));

    const response = await router.completion({ model: "gpt-4o-mini", messages });

    expect(response.choices[0]?.message.content).toBe("Hello from 4o-mini");
    expect(response._hidden_params.deployment).toMatchObject({
      modelName: "gpt-4o-mini",
      model: "openai/gpt-4o-mini",
    });
    const request = await server.nextRequest();
    expect(request.url).toBe("/v1/chat/completions");
    expect(request.headers.authorization).toBe("Bearer sk-test-openai");
    expect(request.json).toMatchObject({
      model: "gpt-4o-mini",
      temperature: 0.2,
      max_tokens: 1024,
    });
  });
});

describe("settings", () => {
  it("reads num_retries, fallbacks, allowed_fails and cooldown_time from litellm_settings too, router_settings winning", () => {
    const config = {
      model_list: [
        { model_name: "a", litellm_params: { model: "gpt-4o", api_key: "k" } },
        { model_name: "b", litellm_params: { model: "gpt-4o-mini", api_key: "k" } },
      ],
      litellm_settings: {
        num_retries: 5,
        allowed_fails: 1,
        cooldown_time: 0.5,
        request_timeout: 10,
        fallbacks: [{ a: ["b"] }],
        default_fallbacks: ["b"],
        content_policy_fallbacks: [{ a: ["b"] }],
      },
      router_settings: { num_retries: "os.environ/NUM_RETRIES" },
    };
    expect(routerOptionsFromLiteLLMConfig(config, { NUM_RETRIES: "1" })).toEqual({
      modelList: [
        { modelName: "a", params: { model: "openai/gpt-4o", apiKey: "k", timeout: 10_000 } },
        { modelName: "b", params: { model: "openai/gpt-4o-mini", apiKey: "k", timeout: 10_000 } },
      ],
      numRetries: 1,
      allowedFails: 1,
      cooldownTime: 500,
      fallbacks: { a: ["b"] },
      contentPolicyFallbacks: { a: ["b"] },
      defaultFallbacks: ["b"],
    });
  });

  it('maps a "*" entry of fallbacks, custom_llm_provider, base_url and model_info limits as LiteLLM reads them', () => {
    const config = {
      model_list: [
        {
          model_name: "a",
          litellm_params: {
            model: "gpt-4o",
            custom_llm_provider: "cometapi",
            base_url: "http://127.0.0.1:1/v1",
            extra_headers: { "X-Team": "os.environ/TEAM" },
          },
          model_info: { id: 7, tpm: 1000, rpm: 10 },
          rpm: 20,
        },
        { model_name: "b", litellm_params: { model: "openai/gpt-4o-mini", weight: 3 } },
      ],
      router_settings: { fallbacks: [{ "*": ["b"] }], routing_strategy: "latency-based-routing" },
    };
    expect(routerOptionsFromLiteLLMConfig(config, { TEAM: "red" })).toEqual({
      modelList: [
        {
          modelName: "a",
          id: "7",
          rpm: 20,
          tpm: 1000,
          params: {
            model: "cometapi/gpt-4o",
            apiBase: "http://127.0.0.1:1/v1",
            extraHeaders: { "X-Team": "red" },
          },
        },
        { modelName: "b", weight: 3, params: { model: "openai/gpt-4o-mini" } },
      ],
      routingStrategy: "latency-based",
      fallbacks: {},
      defaultFallbacks: ["b"],
    });
  });

  it("Redis settings become the router's redis URL (host, port, password; or redis_url)", () => {
    const fromParts = routerOptionsFromLiteLLMConfig(
      configWith({
        router_settings: {
          redis_host: "redis.internal",
          redis_port: 6380,
          redis_password: "s3cret/Pa55",
          num_retries: 1,
        },
      }),
      {},
    );
    expect(fromParts.redis).toBe("redis://:s3cret%2FPa55@redis.internal:6380");
    expect(fromParts.numRetries).toBe(1);
    const fromUrl = routerOptionsFromLiteLLMConfig(
      configWith({ router_settings: { redis_url: "os.environ/REDIS_URL" } }),
      { REDIS_URL: "rediss://cache.example:6379" },
    );
    expect(fromUrl.redis).toBe("rediss://cache.example:6379");
  });

  it("litellm_settings.max_budget and budget_duration become the router's budget", async () => {
    const options = routerOptionsFromLiteLLMConfig(
      configWith({ litellm_settings: { max_budget: "os.environ/BUDGET", budget_duration: "30d" } }),
      { BUDGET: "12.5" },
    );
    expect(options.maxBudget).toBe(12.5);
    expect(options.budgetDuration).toBe("30d");
    await expect(new Router(options).cooldowns()).resolves.toEqual([]);
  });

  it("a budget without its window, a window without a budget, or a window llmux cannot read", () => {
    const budget = (settings: Record<string, unknown>) =>
      errorOf(configWith({ litellm_settings: settings })).issues?.map((found) => found.path);
    expect(budget({ max_budget: 10 })).toEqual(["litellm_settings.max_budget"]);
    expect(errorOf(configWith({ litellm_settings: { max_budget: 10 } })).message).toContain(
      "never resets",
    );
    expect(budget({ budget_duration: "1d" })).toEqual(["litellm_settings.budget_duration"]);
    expect(budget({ max_budget: 10, budget_duration: "1mo" })).toEqual([
      "litellm_settings.budget_duration",
    ]);
    expect(budget({ max_budget: -1, budget_duration: "1d" })).toEqual([
      "litellm_settings.max_budget",
    ]);
  });
});

describe("native providers", () => {
  it("a bare claude name is Anthropic's, as in LiteLLM, and llmux has it", () => {
    const options = routerOptionsFromLiteLLMConfig(
      {
        model_list: [
          { model_name: "c", litellm_params: { model: "claude-3-5-sonnet-20240620" } },
          { model_name: "g", litellm_params: { model: "gemini/gemini-2.5-flash" } },
        ],
      },
      {},
    );
    expect(options.modelList.map((deployment) => deployment.params.model)).toEqual([
      "anthropic/claude-3-5-sonnet-20240620",
      "gemini/gemini-2.5-flash",
    ]);
  });
});

describe("problems, each named by its path with the fix", () => {
  it("a provider llmux does not have", () => {
    const config = {
      model_list: [
        { model_name: "a", litellm_params: { model: "openai/gpt-4o" } },
        { model_name: "a", litellm_params: { model: "cometapi/gpt-4o" } },
        {
          model_name: "b",
          litellm_params: { model: "azure/gpt-4o-eu", api_version: "2024-06-01" },
        },
        { model_name: "c", litellm_params: { model: "gemini-1.5-pro" } },
      ],
    };
    const error = errorOf(config);
    const known = listProviders().join(", ");
    expect(error.message).toContain(
      `model_list[2].litellm_params.model is "azure/gpt-4o-eu", whose provider "azure" llmux does not have; use one of ${known}, or add one with registerProvider()`,
    );
    expect(error.issues).toContainEqual({
      path: "model_list[3].litellm_params.model",
      message: expect.stringContaining(
        `provider "vertex_ai" (LiteLLM's provider for that bare name)`,
      ),
    });
    expect(error.issues).toContainEqual({
      path: "model_list[2].litellm_params.api_version",
      message: expect.stringContaining("Azure"),
    });
  });

  it("an environment variable that is not set", () => {
    const error = errorOf(
      configWith(
        { environment_variables: { OPENAI_API_KEY: "sk-in-config" } },
        { litellm_params: { model: "openai/gpt-4o", api_key: "os.environ/OPENAI_API_KEY" } },
      ),
    );
    expect(error.issues).toEqual([
      {
        path: "model_list[0].litellm_params.api_key",
        message:
          "reads the environment variable OPENAI_API_KEY, which is not set (the config's environment_variables sets it, but llmux does not read that section); set it, or pass it in the `env` argument of Router.fromLiteLLMConfig(config, env)",
      },
    ]);
    expect(error.message).not.toContain("sk-in-config");
  });

  it("a routing strategy llmux does not have", () => {
    const error = errorOf(
      configWith({ router_settings: { routing_strategy: "cost-based-routing" } }),
    );
    expect(error.issues).toEqual([
      {
        path: "router_settings.routing_strategy",
        message:
          'is "cost-based-routing", a strategy llmux does not have; use one of simple-shuffle, least-busy, usage-based-routing, usage-based-routing-v2, latency-based-routing',
      },
    ]);
  });

  it("LiteLLM-only keys, each of them, in one error", () => {
    const error = errorOf(
      configWith(
        { router_settings: { model_group_alias: { "gpt-4": "smart" } } },
        {
          litellm_params: {
            model: "openai/gpt-4o",
            input_cost_per_token: 0.000_002_5,
            organization: "org-1",
            region_name: "us-east-1",
            metadata: { team: "a" },
          },
        },
      ),
    );
    expect(error.message).toMatch(/^llmux: Router\.fromLiteLLMConfig\(\): 5 settings are invalid:/);
    expect(error.issues?.map((issue) => issue.path)).toEqual([
      "model_list[0].litellm_params.input_cost_per_token",
      "model_list[0].litellm_params.organization",
      "model_list[0].litellm_params.region_name",
      "model_list[0].litellm_params.metadata",
      "router_settings.model_group_alias",
    ]);
    expect(error.issues?.[1]?.message).toBe(
      'is a LiteLLM setting llmux has no counterpart for; remove it (send it as a header instead: extra_headers: { "OpenAI-Organization": "org-..." })',
    );
    expect(error.issues?.[4]?.message).toContain("remove it (llmux reads num_retries, fallbacks");
  });

  it("fallbacks naming a group the model_list lacks, or not in LiteLLM's list form", () => {
    const error = errorOf(
      configWith({
        router_settings: {
          fallbacks: [{ smart: ["fast"] }],
          context_window_fallbacks: { smart: ["smart"] },
        },
      }),
    );
    expect(error.issues).toEqual([
      {
        path: "router_settings.fallbacks[0].smart",
        message:
          'names "fast", which is no model_name of model_list; fix the name or add the model',
      },
      {
        path: "router_settings.context_window_fallbacks",
        message: 'must be a list of one-key maps: [{ "gpt-4o": ["gpt-4o-mini"] }]',
      },
    ]);
  });

  it.each([
    ["null", null, "this one is null"],
    ["a string (the YAML not parsed)", "model_list: []", "this one is a string"],
    ["an array", [], "this one is an array"],
    ["an object without model_list", { router_settings: {} }, "this one has no `model_list`"],
    ["an empty model_list", { model_list: [] }, "this one has an empty `model_list`"],
  ])("a config that is %s", (_, config, what) => {
    const error = errorOf(config);
    expect(error.message).toContain(
      "Router.fromLiteLLMConfig() takes the parsed object of a LiteLLM config.yaml, with a non-empty `model_list`",
    );
    expect(error.message).toContain(what);
    expect(error.message).toContain("Parse the YAML first");
  });
});
