/** `embedding()`: OpenAI's `POST /embeddings` through any registered provider. */

import { type EmbeddingParams, embeddingParamsSchema } from "../params/schemas.js";
import type { EmbeddingResponse } from "../types.js";
import { hasDataArray, runModelCall } from "./prepare-call.js";

const embeddingCall = {
  name: "embedding",
  schema: embeddingParamsSchema,
  endpoint: "embeddings",
  isExpected: hasDataArray,
  expected: "an embedding list",
} as const;

/**
 * Embeds text (or tokens) with an embedding model; answers with OpenAI's embedding list.
 * `encoding_format: "base64"` returns each embedding as the base64 string the server sent.
 *
 * @example
 * const { data } = await embedding({ model: "cometapi/text-embedding-3-small", input: ["Hi"] });
 * console.log(data[0]?.embedding.length);
 */
export async function embedding(params: EmbeddingParams): Promise<EmbeddingResponse> {
  return (await runModelCall(embeddingCall, params)) as EmbeddingResponse;
}
