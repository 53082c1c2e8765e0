/** Sets `message.parsed` on each choice of a `responseFormat` call's answer. */
import type * as Zod from "zod";
import { OutputParseError } from "../errors/errors.js";
import type { ModelResponse, ParsedModelResponse } from "../types.js";
import { parseOutput } from "./parse-output.js";
import type { SchemaRuntime } from "./schema-runtime.js";

/**
 * Parses each choice's content by `schema` into `message.parsed`, in place. `parsed` is `null`,
 * not an error, for a refusal: `message.refusal` set (OpenAI's, as openai-node's `parse()`
 * does), or a `content_filter` finish (Anthropic's `refusal` stop, Gemini's safety stop; where
 * openai-node throws, llmux reports it as the refusal it is, its cut content being no answer).
 * So is it for a turn that calls tools (`finish_reason: "tool_calls"`, or tool calls and no
 * content): that turn is not the answer yet.
 *
 * @throws {OutputParseError} for content cut by `max_tokens` (`finish_reason: "length"`), not
 * JSON, failing the schema, or missing.
 */
export function parseCompletion<T>(
  response: ModelResponse,
  schema: Zod.core.$ZodType,
  runtime: SchemaRuntime,
  model: string | undefined,
): ParsedModelResponse<T> {
  const provider = response._hidden_params?.provider;
  for (const choice of response.choices) {
    const message = choice.message;
    const content = message.content;
    const refused =
      (typeof message.refusal === "string" && message.refusal !== "") ||
      choice.finish_reason === "content_filter";
    const calledTools = Array.isArray(message.tool_calls) && message.tool_calls.length > 0;
    const noContent = content == null || content === "";
    if (refused || (calledTools && (noContent || choice.finish_reason === "tool_calls"))) {
      message.parsed = null;
      continue;
    }
    const source = {
      what: choices(response) ? `the answer of choice ${choice.index}` : "the answer",
      provider,
      model,
      finishReason: choice.finish_reason,
    };
    if (typeof content !== "string" || content === "") {
      const reason = choice.finish_reason === "length" ? " (cut by max_tokens)" : "";
      throw new OutputParseError(
        `llmux: the answer${provider === undefined ? "" : ` of ${provider}/${model ?? ""}`} has no content to parse${reason}: no JSON, no refusal, no tool call.`,
        { text: "", provider, model, finishReason: choice.finish_reason },
      );
    }
    message.parsed = parseOutput(content, schema, runtime, source);
  }
  return response as ParsedModelResponse<T>;
}

const choices = (response: ModelResponse) => response.choices.length > 1;
