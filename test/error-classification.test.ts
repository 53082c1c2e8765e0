/**
 * Which class a 400 becomes from the server's own words, through `errorClassForStatus(status,
 * message)` (the message is the server's message and its code, as create-error.ts passes them).
 * The phrasings are those of LiteLLM's exception mapping
 * (`litellm/litellm_core_utils/exception_mapping_utils.py`); the messages are real ones where
 * LiteLLM or its tests quote them whole, else LiteLLM's phrase in a sentence of that provider's.
 */
import { describe, expect, it } from "vitest";
import { errorClassForStatus } from "../src/errors/error-class-for-status.js";
import {
  APIError,
  BadRequestError,
  ContentPolicyViolationError,
  ContextWindowExceededError,
  InternalServerError,
  RateLimitError,
} from "../src/errors/errors.js";

describe("a 400 about the context window is a ContextWindowExceededError", () => {
  it.each([
    [
      "OpenAI, Azure, vLLM",
      "This model's maximum context length is 4096 tokens. However, you requested 5000 tokens (4000 in the messages, 1000 in the completion). Please reduce the length of the messages or completion.",
    ],
    ["OpenAI's code alone", "Invalid request. context_length_exceeded"],
    ["OpenAI, upper case", "ERROR: THIS MODEL'S MAXIMUM CONTEXT LENGTH IS 1024."],
    ["OpenAI, typographic apostrophe", "This model’s maximum context length is 8192 tokens."],
    [
      "OpenAI (Responses, gpt-5)",
      "Input tokens exceed the configured limit of 272000 tokens. Your messages resulted in 509178 tokens. Please reduce the length of the messages.",
    ],
    [
      "OpenAI, the conversation itself too long",
      "Invalid 'messages[0].content': string too long. Expected a string with maximum length 10485760, but got a string with length 20000000 instead. string_above_max_length",
    ],
    [
      "a validation error naming no parameter",
      "Validation Error: string too long. expected a string with maximum length 1000.",
    ],
    ["Groq, Cerebras", "Please reduce the length of the messages or completion."],
    ["Cerebras", "Current length is 132784 while limit is 131000"],
    ["Anthropic", "prompt is too long: 210000 tokens > 200000 maximum"],
    [
      "Anthropic, input plus max_tokens",
      "input length and `max_tokens` exceed context limit: 197000 + 8192 > 200000, decrease input length or `max_tokens` and try again",
    ],
    ["Bedrock", "AWS Bedrock Error: The request payload size has exceed context limit."],
    ["Bedrock", "Input is too long for requested model."],
    ["Bedrock", "Too many input tokens. Max input tokens: 8192, request input token count: 9000"],
    ["Bedrock", "1 validation error: prompt: length: 1..100000"],
    ["Bedrock", "Malformed input request: expected maxLength: 50000, actual: 60000"],
    [
      "Bedrock Mantle",
      "invalid_request_error: prompt tokens (210000) exceed model maximum (200000)",
    ],
    ["Bedrock, Cohere", "too many tokens: size limit exceeded by 1000 tokens."],
    ["AI21", "Prompt has too many tokens"],
    ["Gemini 2.5", "The input token count exceeds the maximum number of tokens allowed 1048576."],
    [
      "Gemini 2.0",
      "The input token count (2800010) exceeds the maximum number of tokens allowed (1048575).",
    ],
    ["Vertex AI", "400 Request payload size exceeds the limit: 10485760 bytes."],
    [
      "a model's context limit",
      "An error occurred: The input exceeds the model's maximum context limit of 8192 tokens.",
    ],
    ["a model's context length", "Your prompt is longer than the model's context length of 2048."],
    ["Aleph Alpha", "This is longer than the model's maximum context length"],
    ["llama.cpp", "the request exceeds the available context size, try increasing it"],
    [
      "Text Generation Inference (Together, SageMaker, Hugging Face)",
      "Input validation error: `inputs` tokens + `max_new_tokens` must be <= 4096. Given: 4000 `inputs` tokens and 500 `max_new_tokens`",
    ],
    ["Hugging Face", "Input validation error: length limit exceeded"],
    ["NLP Cloud", "Input text length should not exceed 1024 tokens"],
    ["SageMaker", "Please use an instance type with more CPU capacity or memory"],
    ["embedding models", "The maximum input length is 8192 tokens."],
  ])("%s: %s", (_, message) => {
    expect(errorClassForStatus(400, message)).toBe(ContextWindowExceededError);
  });
});

describe("a 400 about the content policy is a ContentPolicyViolationError", () => {
  it.each([
    [
      "OpenAI images",
      "Your request was rejected as a result of our safety system. Your prompt may contain text that is not allowed by our safety system.",
    ],
    ["OpenAI, Azure code", "invalid_request_error content_policy_violation occurred"],
    [
      "OpenAI reasoning models",
      "Invalid prompt: your prompt was flagged as potentially violating our usage policy. Please try again with a different prompt.",
    ],
    [
      "Azure",
      "The response was filtered due to the prompt triggering Azure OpenAI's content management policy. Please modify your prompt and retry.",
    ],
    ["Azure", "Your task failed as a result of our safety system detecting harmful content"],
    ["Azure, upper case", "YOUR TASK FAILED AS A RESULT OF OUR SAFETY SYSTEM"],
    ["Azure", "The model produced invalid content that violates our policy"],
    ["Azure", "Request blocked due to content_filter_policy restrictions"],
    ["Azure's code alone", "Invalid request. content_filter"],
    ["Azure's inner code", "ResponsibleAIPolicyViolation"],
    ["Anthropic (on Vertex AI, Bedrock)", "Output blocked by content filtering policy"],
    ["Gemini, Vertex AI", "The response was blocked."],
  ])("%s: %s", (_, message) => {
    expect(errorClassForStatus(400, message)).toBe(ContentPolicyViolationError);
  });
});

describe("an ordinary 400 stays a BadRequestError", () => {
  it.each([
    "Invalid value for 'temperature': expected a number between 0 and 2.",
    "Invalid 'temperature': decimal above maximum value. Expected a value <= 2, but got 200 instead. decimal_above_max_value",
    // Other parameters' length limits are not the context window (LiteLLM excludes the same).
    "Invalid 'user': string too long. Expected a string with maximum length 64, but got a string with length 123 instead.",
    "Invalid 'user': string too long. string_above_max_length",
    "Invalid 'prompt_cache_key': string too long. Expected a string with maximum length 64, but got a string with length 100 instead. string_above_max_length",
    "Invalid 'tools[0].function.description': string too long. Expected a string with maximum length 1024, but got a string with length 2000 instead.",
    // "safety" alone is a Gemini field or an OpenAI parameter, not the safety system.
    "Invalid value at 'safety_settings[0].threshold' (type.googleapis.com/google.ai.generativelanguage.v1beta.HarmBlockThreshold), \"BLOCK_EVERYTHING\"",
    "Invalid 'safety_identifier': string too long. Expected a string with maximum length 64, but got a string with length 100 instead.",
    // A size limit of something else than the prompt.
    "The uploaded file exceeds the maximum allowed size of 20 MB.",
    "The context is large, but acceptable.",
    "A generic API error occurred.",
    "Policy configuration error",
    "Content type not supported",
    "",
  ])("%j", (message) => {
    expect(errorClassForStatus(400, message)).toBe(BadRequestError);
  });
});

describe("only a 400 is read for its wording", () => {
  it.each([
    [429, RateLimitError],
    [500, InternalServerError],
    [undefined, APIError],
  ] as const)("%s with a context window message keeps its own class", (status, expected) => {
    const message = "This model's maximum context length is 4096 tokens.";
    expect(errorClassForStatus(status, message)).toBe(expected);
  });
});
