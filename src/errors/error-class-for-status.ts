/**
 * Which error class an HTTP status (or an error object's status, code or type) becomes, and which
 * 400s are really a context window or a content policy failure, recognised by their wording.
 */
import {
  APIError,
  type APIErrorOptions,
  AuthenticationError,
  BadGatewayError,
  BadRequestError,
  ContentPolicyViolationError,
  ContextWindowExceededError,
  InternalServerError,
  NotFoundError,
  PermissionDeniedError,
  RateLimitError,
  ServiceUnavailableError,
  TimeoutError,
  UnprocessableEntityError,
} from "./errors.js";

export type APIErrorClass = new (message: string, options: APIErrorOptions) => APIError;

/*
 * Phrasings after LiteLLM's exception mapping
 * (`litellm/litellm_core_utils/exception_mapping_utils.py`: `is_error_str_context_window_exceeded`,
 * `is_azure_content_policy_violation_error` and the per-provider branches), in lower case, matched
 * against the lower-cased message and code. Providers share no code for either failure, so their
 * wording is all there is to go by.
 */

/** Phrases that mean the prompt (with the completion asked for) does not fit the model. */
const CONTEXT_WINDOW_PHRASES: readonly string[] = [
  // OpenAI, Azure, vLLM, Groq, Aleph Alpha: "This model's maximum context length is 8192 tokens"
  "maximum context length",
  // OpenAI's and Azure's code
  "context_length_exceeded",
  // Not in LiteLLM's list, kept from llmux's own: "exceeds the context window"
  "context window",
  // OpenAI, vLLM, Groq, Cerebras: "Please reduce the length of the messages or completion."
  "reduce the length of the messages",
  // OpenAI (Responses, gpt-5): "Input tokens exceed the configured limit of 272000 tokens."
  "input tokens exceed the configured limit",
  "model's maximum context limit",
  "is longer than the model's context length",
  // Anthropic, Bedrock: "input length and `max_tokens` exceed context limit…"
  "exceed context limit",
  // Anthropic, Bedrock: "prompt is too long: 210000 tokens > 200000 maximum"
  "prompt is too long",
  "prompt: length",
  // Bedrock, Replicate: "Input is too long for requested model."
  "input is too long",
  // Bedrock, Cohere, AI21 ("Prompt has too many tokens")
  "too many tokens",
  "too many input tokens",
  "expected maxlength:",
  // Gemini: "The input token count exceeds the maximum number of tokens allowed 1048576."
  "exceeds the maximum number of tokens allowed",
  // Vertex AI: "400 Request payload size exceeds the limit: 10485760 bytes."
  "request payload size exceeds",
  // llama.cpp: "the request exceeds the available context size, try increasing it"
  "exceeds the available context size",
  // Text Generation Inference (Together AI, SageMaker, Hugging Face)
  "`inputs` tokens + `max_new_tokens` must be",
  "length limit exceeded",
  "instance type with more cpu capacity or memory",
  // NLP Cloud
  "input text length should not exceed",
];

/** Phrasings with numbers in the middle. */
const CONTEXT_WINDOW_PATTERNS: readonly RegExp[] = [
  // Cerebras: "Current length is 132784 while limit is 131000"
  /current length is \d+ while limit is \d+/,
  // Embedding models: "The maximum input length is 8192 tokens."
  /maximum input length is [^.]*tokens/,
  // Bedrock Mantle: "prompt tokens (210000) exceed model maximum (200000)"
  /prompt tokens \(\d+\) exceed model maximum/,
];

/**
 * OpenAI's length check on a string field: "Invalid 'messages[0].content': string too long.
 * Expected a string with maximum length 10485760". It is the context window only for the
 * conversation itself (or when no field is named); for `user`, `prompt_cache_key` or a tool's
 * description it is an ordinary bad request. LiteLLM excludes the `user` case the same way.
 */
const STRING_TOO_LONG = /string too long\. expected a string with maximum length/;
const OTHER_FIELD_TOO_LONG = /invalid '(?!(?:messages|input|prompt)\b)[^']*': string too long/;

/** A 400 that is really a wrong key (Gemini's wording). */
const AUTHENTICATION_PHRASES: readonly string[] = ["api key not valid", "api key not found"];

/** Phrases of a refusal by the provider's content filter. */
const CONTENT_POLICY_PHRASES: readonly string[] = [
  // OpenAI's and Azure's code, and the SPEC's own wording
  "content_policy_violation",
  "content policy",
  // Azure: "The response was filtered due to the prompt triggering Azure OpenAI's content
  // management policy."; its codes `content_filter`, `content_filter_policy` and inner code
  "content management policy",
  "content_filter",
  "responsibleaipolicyviolation",
  // OpenAI, Azure: "Your request was rejected as a result of our safety system." LiteLLM's phrases
  // all say "safety system"; "safety" alone is also Gemini's `safety_settings` field and OpenAI's
  // `safety_identifier` parameter.
  "safety system",
  "the model produced invalid content",
  // Anthropic (also on Vertex AI and Bedrock): "Output blocked by content filtering policy"
  "content filtering policy",
  // Gemini, Vertex AI
  "the response was blocked",
];

const CONTENT_POLICY_PATTERNS: readonly RegExp[] = [
  // OpenAI reasoning models: "Invalid prompt: your prompt was flagged as potentially violating our
  // usage policy." Scoped as LiteLLM scopes it: "flagged" alone says nothing about whom.
  /invalid prompt\b.*violating our usage polic/,
];

function mentionsAny(
  text: string,
  phrases: readonly string[],
  patterns: readonly RegExp[],
): boolean {
  return (
    phrases.some((phrase) => text.includes(phrase)) ||
    patterns.some((pattern) => pattern.test(text))
  );
}

function isContextWindowMessage(text: string): boolean {
  if (mentionsAny(text, CONTEXT_WINDOW_PHRASES, CONTEXT_WINDOW_PATTERNS)) return true;
  return STRING_TOO_LONG.test(text) && !OTHER_FIELD_TOO_LONG.test(text);
}

/** Picks the class for an HTTP status (and, for a 400, the server's message). */
export function errorClassForStatus(status: number | undefined, message = ""): APIErrorClass {
  switch (status) {
    case 400: {
      // Typographic apostrophes too: "This model’s maximum context length".
      const text = message.toLowerCase().replaceAll("\u2019", "'");
      // Gemini answers a wrong key with a 400 ("API key not valid"), not a 401.
      if (mentionsAny(text, AUTHENTICATION_PHRASES, [])) return AuthenticationError;
      if (isContextWindowMessage(text)) return ContextWindowExceededError;
      if (mentionsAny(text, CONTENT_POLICY_PHRASES, CONTENT_POLICY_PATTERNS)) {
        return ContentPolicyViolationError;
      }
      return BadRequestError;
    }
    case 401:
      return AuthenticationError;
    case 403:
      return PermissionDeniedError;
    case 404:
      return NotFoundError;
    case 408:
    case 504:
      return TimeoutError;
    case 422:
      return UnprocessableEntityError;
    case 429:
      return RateLimitError;
    case 502:
      return BadGatewayError;
    case 503:
    case 529: // Anthropic's overloaded_error
      return ServiceUnavailableError;
    default:
      if (status !== undefined && status >= 500 && status <= 599) return InternalServerError;
      return APIError;
  }
}
