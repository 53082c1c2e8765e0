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

const CONTEXT_WINDOW_PATTERN =
  /context.length|context.window|maximum context|context_length_exceeded|too many tokens|prompt is too long|input is too long|reduce the length|exceeds? the (?:model'?s? )?(?:maximum|max)/i;
const CONTENT_POLICY_PATTERN =
  /content.policy|content_policy|content management policy|safety system|content_filter|flagged by|responsibleai/i;

/** Picks the class for an HTTP status (and, for a 400, the server's message). */
export function errorClassForStatus(status: number | undefined, message = ""): APIErrorClass {
  switch (status) {
    case 400:
      if (CONTEXT_WINDOW_PATTERN.test(message)) return ContextWindowExceededError;
      if (CONTENT_POLICY_PATTERN.test(message)) return ContentPolicyViolationError;
      return BadRequestError;
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
      return ServiceUnavailableError;
    default:
      if (status !== undefined && status >= 500 && status <= 599) return InternalServerError;
      return APIError;
  }
}
