/**
 * The `BadRequestError` of a call that cannot be put into Gemini's shape (a tool message whose
 * call is unknown, a tool type Gemini has no equivalent for, token input to an embedding model):
 * thrown while the request is built, so no request is made.
 */
import { BadRequestError } from "../../errors/errors.js";

/** The call being mapped, for the messages of its errors. */
export interface MappingContext {
  /** The provider prefix: `gemini`, or the id given to `createGeminiProvider`. */
  readonly provider: string;
  /** The model id without the prefix. */
  readonly model: string;
}

/**
 * Builds the error for `path` (`messages[2].tool_call_id`): `problem` says what is wrong, `fix`
 * what to do instead.
 */
export function invalidRequest(
  context: MappingContext,
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
