/** `embedding()`: OpenAI's `POST /embeddings` through any registered provider. */
import type { CallTracker } from "../observability/call-tracker.js";
import { trackCall } from "../observability/track-call.js";
import type { EmbeddingParams } from "../params/schemas.js";
import type { EmbeddingResponse } from "../types.js";
import { buildBody } from "./build-body.js";
import { checkSupportedParams } from "./check-supported-params.js";
import { prepareCall } from "./prepare-call.js";
import { hasDataArray, sendJson } from "./send-json.js";

/**
 * Embeds text (or tokens) with an embedding model; answers with OpenAI's embedding list.
 * `encoding_format: "base64"` returns each embedding as the base64 string the server sent.
 *
 * @example
 * const { data } = await embedding({ model: "cometapi/text-embedding-3-small", input: ["Hi"] });
 * console.log(data[0]?.embedding.length);
 */
export async function embedding(params: EmbeddingParams): Promise<EmbeddingResponse> {
  return runEmbedding(params, undefined);
}

/**
 * `embedding()` for a Router, which gives its own `tracker` (`null`: no handlers) and reports
 * the call's start and end itself; this call reports its provider and retries into it.
 */
export function runEmbedding(
  params: EmbeddingParams,
  routed: CallTracker | null | undefined,
): Promise<EmbeddingResponse> {
  if (routed !== undefined) return embed(params, routed ?? undefined);
  return trackCall("embedding", params, undefined, (tracker) => embed(params, tracker));
}

async function embed(
  params: EmbeddingParams,
  tracker: CallTracker | undefined,
): Promise<EmbeddingResponse> {
  const prepared = await prepareCall("embedding", params);
  const call = tracker === undefined ? prepared : tracker.follow(prepared);
  const dropped = checkSupportedParams(call.adapter, "embeddings", params);
  const body = buildBody(params, call.model, dropped);
  return (await sendJson(
    call,
    "embeddings",
    body,
    hasDataArray,
    "an embedding list",
  )) as EmbeddingResponse;
}
