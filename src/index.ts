export { acompletion, completion } from "./calls/completion.js";
export { embedding } from "./calls/embedding.js";
export { imageGeneration } from "./calls/image-generation.js";
export { listModels } from "./calls/list-models.js";
export type {
  APIErrorOptions,
  LLMErrorOptions,
  OutputParseErrorOptions,
  ValidationIssue,
} from "./errors/errors.js";
export {
  APIConnectionError,
  APIError,
  AuthenticationError,
  BadGatewayError,
  BadRequestError,
  BudgetExceededError,
  ContentPolicyViolationError,
  ContextWindowExceededError,
  InternalServerError,
  LLMError,
  NoDeploymentAvailableError,
  NotFoundError,
  OutputParseError,
  PermissionDeniedError,
  RateLimitError,
  ServiceUnavailableError,
  TimeoutError,
  UnprocessableEntityError,
} from "./errors/errors.js";
export type { CallbackEvent, CallbackHandler } from "./observability/callbacks.js";
export { addCallback, removeCallback } from "./observability/callbacks.js";
export type { CostSource } from "./observability/completion-cost.js";
export { completionCost } from "./observability/completion-cost.js";
export type { LoadCometAPIModelInfoOptions } from "./observability/load-cometapi-model-info.js";
export { loadCometAPIModelInfo } from "./observability/load-cometapi-model-info.js";
export type { ModelInfo } from "./observability/model-info.js";
export { getModelInfo, registerModelInfo } from "./observability/model-info.js";
export type {
  ChatWireParams,
  ClientOptions,
  CompletionParams,
  EmbeddingParams,
  FetchFunction,
  ImageGenerationParams,
  ListModelsParams,
  Message,
  TelemetryOptions,
} from "./params/schemas.js";
export type { AnthropicProviderConfig } from "./providers/anthropic/anthropic-provider.js";
export { createAnthropicProvider } from "./providers/anthropic/anthropic-provider.js";
export type { GeminiProviderConfig } from "./providers/gemini/gemini-provider.js";
export { createGeminiProvider } from "./providers/gemini/gemini-provider.js";
export type { OpenAICompatibleProviderConfig } from "./providers/openai-compatible.js";
export { createOpenAICompatibleProvider } from "./providers/openai-compatible.js";
export type {
  Endpoint,
  ProviderAdapter,
  ProviderRequest,
  ProviderRequestInput,
} from "./providers/provider.js";
export { getProvider, listProviders, registerProvider } from "./providers/registry.js";
export type { DeploymentConfig, DeploymentParams } from "./router/deployment.js";
export type { RedisClientLike } from "./router/redis-link.js";
export { Router } from "./router/router.js";
export type { RouterOptions } from "./router/router-options.js";
export type { Cooldown } from "./router/router-state.js";
export type { RoutingStrategy } from "./router/routing-strategy.js";
export { CompletionStream } from "./stream/completion-stream.js";
export { streamChunkBuilder } from "./stream/stream-chunk-builder.js";
export type { DeepPartial } from "./structured/deep-partial.js";
export type {
  FailedToolCall,
  ParsedToolCall,
  ParsedToolCallOf,
} from "./structured/parse-tool-calls.js";
export { parseToolCalls } from "./structured/parse-tool-calls.js";
export type { ParsedCompletionStream } from "./structured/parsed-stream.js";
export type { JsonSchemaResponseFormat } from "./structured/response-format.js";
export type { ZodTool, ZodToolOptions } from "./structured/zod-tool.js";
export { zodTool } from "./structured/zod-tool.js";
export type {
  AnthropicThinkingBlock,
  ChatCompletionAnnotation,
  ChatCompletionAudio,
  ChatCompletionMessage,
  ChatCompletionMessageCustomToolCall,
  ChatCompletionMessageFunctionToolCall,
  ChatCompletionMessageToolCall,
  Choice,
  ChoiceDelta,
  ChoiceDeltaAudio,
  ChoiceDeltaToolCall,
  ChoiceLogprobs,
  Embedding,
  EmbeddingResponse,
  FinishReason,
  HiddenParams,
  ImageObject,
  ImageResponse,
  ModelObject,
  ModelResponse,
  ModelResponseStream,
  ParsedChatCompletionMessage,
  ParsedChoice,
  ParsedModelResponse,
  RoutedDeployment,
  StreamChoice,
  TokenLogprob,
  Usage,
} from "./types.js";
export { VERSION } from "./version.js";
