/** `embedding()`: OpenAI's `POST /embeddings` through any registered provider. */
import { type EmbeddingParams, embeddingParamsSchema } from "./params.js";
import { buildBody, parseModel, resolveCall } from "./resolve.js";
import { sendJson } from "./send.js";
import type { EmbeddingResponse } from "./types.js";
import { validateParams } from "./validate.js";

/**
 * Embeds text (or tokens) with an embedding model; answers with OpenAI's embedding list.
 * `encoding_format: "base64"` returns each embedding as the base64 string the server sent.
 *
 * @example
 * const { data } = await embedding({ model: "cometapi/text-embedding-3-small", input: ["Hi"] });
 * console.log(data[0]?.embedding.length);
 */
export async function embedding(params: EmbeddingParams): Promise<EmbeddingResponse> {
  validateParams(embeddingParamsSchema, params, "embedding");
  const { adapter, model } = parseModel(params.model);
  const call = resolveCall(adapter, model, params);
  const body = buildBody(params as unknown as Record<string, unknown>, model);
  const response = await sendJson(
    call,
    "embeddings",
    body,
    (json) => Array.isArray(json.data),
    "an embedding list",
  );
  return response as EmbeddingResponse;
}
