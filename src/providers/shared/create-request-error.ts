/**
 * The `BadRequestError` of a call a native protocol cannot express (an audio part Anthropic
 * takes no audio for, a tool message whose call is unknown, token input to an embedding model):
 * raised while the adapter builds the request, so before any is sent.
 */
import { BadRequestError } from "../../errors/errors.js";

/** Which call is being translated, for the messages of its errors. */
export interface RequestContext {
  /** The provider prefix: `anthropic`, `gemini`, or the id given to their factories. */
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
