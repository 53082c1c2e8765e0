/**
 * The error classes llmux throws. Each class decides `isRetryable` when it is made (the retry
 * code only reads it); every field is given to the constructor and never changes after.
 */
import type * as Zod from "zod";

/** Details every llmux error can carry. */
export interface LLMErrorOptions {
  /** The provider prefix of the call, `cometapi` for `cometapi/gpt-5`. */
  provider?: string | undefined;
  /** The model id sent to the provider (without the prefix). */
  model?: string | undefined;
  /** The error this one wraps. */
  cause?: unknown;
  /** Whether llmux's retry rules retry it; each class decides when this is not given. */
  isRetryable?: boolean | undefined;
}

/** Details of an error that came from (or on the way to) a provider's HTTP API. */
export interface APIErrorOptions extends LLMErrorOptions {
  /** HTTP status of the answer; undefined when no answer came (or before any request). */
  status?: number | undefined;
  /** The provider's error `code`, as sent. */
  code?: string | number | null | undefined;
  /** The provider's error `type`, as sent. */
  type?: string | null | undefined;
  /** The provider's error `param`, as sent. */
  param?: string | null | undefined;
  /** The `x-request-id` of the answer. */
  requestId?: string | undefined;
  /** The answer's headers (lower-case names). */
  headers?: Record<string, string> | undefined;
  /** The answer's body: the parsed JSON, or a short excerpt of the text when it is not JSON. */
  body?: unknown;
  /** How many HTTP requests were made for the call. */
  attempts?: number | undefined;
  /**
   * The raw text a malformed stream event held, kept off `message`, `stack` and `toJSON()`
   * (it is response content, which may hold personal data).
   */
  excerpt?: string | undefined;
}

/** The base class of every error llmux throws. */
export class LLMError extends Error {
  override name = "LLMError";
  /** The provider prefix of the call, `cometapi` for `cometapi/gpt-5`. */
  readonly provider: string | undefined;
  /** The model id sent to the provider (without the prefix). */
  readonly model: string | undefined;
  /** Whether llmux's retry rules retry this error. */
  readonly isRetryable: boolean;

  constructor(message: string, options: LLMErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.provider = options.provider;
    this.model = options.model;
    this.isRetryable = options.isRetryable ?? false;
  }

  /** For `JSON.stringify(error)`: the name and message (an `Error` hides them) and every field. */
  toJSON(): Record<string, unknown> {
    return { ...(this as Record<string, unknown>), name: this.name, message: this.message };
  }
}

/** Details of an answer that did not parse as the schema asked for. */
export interface OutputParseErrorOptions extends LLMErrorOptions {
  /** The text that did not parse: the message's content, or a tool call's arguments. */
  text: string;
  /** zod's issues when the text was JSON that failed the schema; empty when it was not JSON. */
  issues?: readonly Zod.core.$ZodIssue[] | undefined;
  /** The choice's `finish_reason`: `"length"` when `max_tokens` cut the answer. */
  finishReason?: string | null | undefined;
}

/**
 * A structured answer (`responseFormat`, or a tool call's arguments) that is not JSON, or is
 * JSON that fails the schema. Not retryable, and not retried: the request succeeded.
 */
export class OutputParseError extends LLMError {
  override name = "OutputParseError";
  /** zod's issues when the text was JSON that failed the schema; empty when it was not JSON. */
  readonly issues: readonly Zod.core.$ZodIssue[];
  /** The choice's `finish_reason`: `"length"` when `max_tokens` cut the answer. */
  readonly finishReason: string | null | undefined;
  /**
   * The raw text that did not parse. Not enumerable, so that it stays out of
   * `JSON.stringify(error)` and `util.inspect(error)` (it is response content, which may hold
   * personal data) unless asked for.
   */
  declare readonly text: string;

  constructor(message: string, options: OutputParseErrorOptions) {
    super(message, { ...options, isRetryable: false });
    this.issues = options.issues ?? [];
    this.finishReason = options.finishReason;
    Object.defineProperty(this, "text", { value: options.text, enumerable: false });
  }
}

/** An error from a provider's API, or on the way to it. */
export class APIError extends LLMError {
  override name = "APIError";
  /** HTTP status; undefined when no answer came, or for a failure before any request. */
  readonly status: number | undefined;
  /** The provider's error `code`, as sent. */
  readonly code: string | number | null | undefined;
  /** The provider's error `type`, as sent. */
  readonly type: string | null | undefined;
  /** The provider's error `param`, as sent. */
  readonly param: string | null | undefined;
  /** The `x-request-id` of the answer. */
  readonly requestId: string | undefined;
  /** The answer's headers (lower-case names). */
  readonly headers: Record<string, string> | undefined;
  /** The answer's body: parsed JSON, or a short excerpt of a body that is not JSON. */
  readonly body: unknown;
  /** How many HTTP requests were made for the call (0 when none was). */
  readonly attempts: number;
  /**
   * For a malformed stream event: the start of its raw text. Not enumerable, so that it stays out
   * of `JSON.stringify(error)` and `util.inspect(error)` unless asked for.
   */
  declare readonly excerpt: string | undefined;

  constructor(message: string, options: APIErrorOptions = {}) {
    super(message, {
      ...options,
      isRetryable: options.isRetryable ?? isRetryableStatus(options.status, options.headers),
    });
    this.status = options.status;
    this.code = options.code;
    this.type = options.type;
    this.param = options.param;
    this.requestId = options.requestId;
    this.headers = options.headers;
    this.body = options.body;
    this.attempts = options.attempts ?? 0;
    Object.defineProperty(this, "excerpt", { value: options.excerpt, enumerable: false });
  }
}

/** 400, and every validation failure before a request (then `status` is undefined). */
export class BadRequestError extends APIError {
  override name = "BadRequestError";
  /** For a validation failure: each problem, with the path of the field. */
  readonly issues: ValidationIssue[] | undefined;

  constructor(message: string, options: APIErrorOptions & { issues?: ValidationIssue[] } = {}) {
    super(message, options);
    this.issues = options.issues;
  }
}

/** One problem found when validating a call's parameters. */
export interface ValidationIssue {
  /** Where, as a path: `messages[0].role`. */
  path: string;
  /** What is wrong and how to fix it. */
  message: string;
}

/** A 400 that says the prompt and output do not fit the model's context window. */
export class ContextWindowExceededError extends BadRequestError {
  override name = "ContextWindowExceededError";
}

/** A 400 that says the request was refused by the provider's content policy. */
export class ContentPolicyViolationError extends BadRequestError {
  override name = "ContentPolicyViolationError";
}

/** 401, and a missing API key (then `status` is undefined). */
export class AuthenticationError extends APIError {
  override name = "AuthenticationError";
}

/** 403. */
export class PermissionDeniedError extends APIError {
  override name = "PermissionDeniedError";
}

/** 404. */
export class NotFoundError extends APIError {
  override name = "NotFoundError";
}

/** 422. */
export class UnprocessableEntityError extends APIError {
  override name = "UnprocessableEntityError";
}

/** 429. */
export class RateLimitError extends APIError {
  override name = "RateLimitError";
}

/**
 * A Router found no deployment to call: every deployment of the group (and of its fallbacks) is
 * cooling down or at its `rpm` / `tpm` for this minute. Not retried by llmux: wait
 * `retryAfterMs`, or add deployments.
 */
export class NoDeploymentAvailableError extends RateLimitError {
  override name = "NoDeploymentAvailableError";
  /** The model group asked for. */
  readonly modelName: string;
  /** Milliseconds until the first deployment is available again. */
  readonly retryAfterMs: number;

  constructor(
    message: string,
    options: APIErrorOptions & { modelName: string; retryAfterMs: number },
  ) {
    super(message, { ...options, isRetryable: options.isRetryable ?? false });
    this.modelName = options.modelName;
    this.retryAfterMs = options.retryAfterMs;
  }
}

/** 500, and other 5xx without a class of their own. */
export class InternalServerError extends APIError {
  override name = "InternalServerError";
}

/** 502. */
export class BadGatewayError extends APIError {
  override name = "BadGatewayError";
}

/** 503. */
export class ServiceUnavailableError extends APIError {
  override name = "ServiceUnavailableError";
}

/** 408, 504, and llmux's own `timeout` and `streamIdleTimeout`. */
export class TimeoutError extends APIError {
  override name = "TimeoutError";

  constructor(message: string, options: APIErrorOptions = {}) {
    // llmux's own timeouts (no status) are retried; a 408 or 504 follows the status rules, so
    // that the server's `x-should-retry: false` is obeyed.
    const isRetryable =
      options.isRetryable ??
      (options.status === undefined || isRetryableStatus(options.status, options.headers));
    super(message, { ...options, isRetryable });
  }
}

/** The connection failed: refused, reset, DNS, TLS, or dropped mid-stream. */
export class APIConnectionError extends APIError {
  override name = "APIConnectionError";

  constructor(message: string, options: APIErrorOptions = {}) {
    super(message, { ...options, isRetryable: options.isRetryable ?? true });
  }
}

/**
 * Whether the retry rules retry an answer with this status: 408, 409, 429 and 5xx, unless the
 * server said otherwise in `x-should-retry`.
 */
export function isRetryableStatus(
  status: number | undefined,
  headers: Record<string, string> | undefined,
): boolean {
  const shouldRetry = headers?.["x-should-retry"];
  if (shouldRetry === "true") return true;
  if (shouldRetry === "false") return false;
  if (status === undefined) return false;
  return status === 408 || status === 409 || status === 429 || status >= 500;
}

/**
 * A Router call made when the spend of the current budget window has reached the Router's
 * `maxBudget`: thrown before any request. Not retryable, and no fallback is tried.
 */
export class BudgetExceededError extends LLMError {
  override name = "BudgetExceededError";
  /** The Router's `maxBudget`, in USD. */
  readonly maxBudget: number;
  /** The spend known in the current window, in USD. */
  readonly spend: number;
  /** The Router's `budgetDuration`: `"1d"`. */
  readonly budgetDuration: string;
  /** Milliseconds until the current window ends (and the spend starts again from 0). */
  readonly retryAfterMs: number;

  constructor(
    message: string,
    options: LLMErrorOptions & {
      maxBudget: number;
      spend: number;
      budgetDuration: string;
      retryAfterMs: number;
    },
  ) {
    super(message, { ...options, isRetryable: false });
    this.maxBudget = options.maxBudget;
    this.spend = options.spend;
    this.budgetDuration = options.budgetDuration;
    this.retryAfterMs = options.retryAfterMs;
  }
}
