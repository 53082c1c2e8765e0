/**
 * The `BadRequestError` of a call the Messages API cannot express (an audio part, a tool call
 * whose arguments are not JSON, `n: 2`): raised while building the request, so before any is sent.
 */
import { BadRequestError } from "../../errors/errors.js";

/** Which call is being translated, for the messages of its errors. */
export interface RequestContext {
  /** The provider prefix: `anthropic`, or the id given to `createAnthropicProvider`. */
  readonly provider: string;
  /** The model id without the prefix. */
  readonly model: string;
}

/**
 * Builds the error for the field at `path`: `problem` says what is wrong with it, `fix` what to
 * do instead.
 */
export function createRequestError(
  context: RequestContext,
  path: string,
  problem: string,
  fix: string,
): BadRequestError {
  return new BadRequestError(
    `llmux: ${context.provider}/${context.model}: \`${path}\` ${problem}. ${fix}`,
    {
      provider: context.provider,
      model: context.model,
      issues: [{ path, message: problem }],
    },
  );
}
