/**
 * `embedding()` through Gemini's `:batchEmbedContents`: OpenAI's `input` (a string or strings)
 * as one request per text, `dimensions` as `outputDimensionality`; the answer's
 * `embeddings[].values` as OpenAI's embedding list. Keys from `extraBody` go into every request
 * (`taskType`, `title`): those are per text in Gemini's API.
 */

import { isRecord, numberOf } from "../../json-guards.js";
import { createRequestError, type RequestContext } from "../shared/create-request-error.js";
import { modelResourceName } from "./model-resource-name.js";

/** The wire parameters an embedding call may give (besides `input`): the ones mapped here. */
export const EMBEDDING_PARAMS: ReadonlySet<string> = new Set(["dimensions", "encoding_format"]);

/** The OpenAI keys mapped here: never copied into the requests. */
const CONSUMED: ReadonlySet<string> = new Set(["model", "input", ...EMBEDDING_PARAMS]);

/** Builds the `:batchEmbedContents` body. */
export function mapEmbeddingRequest(
  body: Record<string, unknown>,
  context: RequestContext,
): Record<string, unknown> {
  if (body.encoding_format === "base64") {
    throw createRequestError(
      context,
      "encoding_format",
      '"base64" is not a format Gemini answers in',
      'Leave it out (or give "float"): Gemini sends numbers.',
    );
  }
  const texts = textsOf(body.input, context);
  const model = modelResourceName(context.model);
  const dimensions = numberOf(body.dimensions);
  const extra: Record<string, unknown> = {};
  for (const key in body) {
    if (!CONSUMED.has(key) && key !== "__proto__") extra[key] = body[key];
  }
  return {
    requests: texts.map((text) => ({
      model,
      content: { parts: [{ text }] },
      ...(dimensions === undefined ? {} : { outputDimensionality: dimensions }),
      ...extra,
    })),
  };
}

/** `input` as texts: tokens (numbers) are OpenAI's alone, Gemini embeds text. */
function textsOf(input: unknown, context: RequestContext): string[] {
  if (typeof input === "string") return [input];
  if (Array.isArray(input) && input.every((item): item is string => typeof item === "string"))
    return input;
  throw createRequestError(
    context,
    "input",
    "is not text (token arrays cannot be embedded by Gemini)",
    "Give a string or an array of strings.",
  );
}

/**
 * Maps the answer for `model`: `{ embeddings: [{ values }], usageMetadata? }` -> `{ object:
 * "list", data, model, usage? }` (usage when the model counts it, as `gemini-embedding-2`
 * does). A body without `embeddings` is returned as it is, for llmux to report.
 */
export function mapEmbeddingResponse(
  body: Record<string, unknown>,
  model: string,
): Record<string, unknown> {
  const embeddings = body.embeddings;
  if (!Array.isArray(embeddings)) return body;
  const response: Record<string, unknown> = {
    object: "list",
    data: embeddings.map((embedding: unknown, index) => ({
      object: "embedding",
      index,
      embedding: isRecord(embedding) && Array.isArray(embedding.values) ? embedding.values : [],
    })),
    model,
  };
  const metadata = body.usageMetadata;
  const prompt = isRecord(metadata) ? numberOf(metadata.promptTokenCount) : undefined;
  if (prompt !== undefined) response.usage = { prompt_tokens: prompt, total_tokens: prompt };
  return response;
}
