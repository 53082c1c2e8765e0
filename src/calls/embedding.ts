/** `embedding()`: OpenAI's `POST /embeddings` through any registered provider. */
import { CallTracker } from "../observability/call-tracker.js";
import { handlersFor } from "../observability/callbacks.js";
import { telemetryFor } from "../observability/telemetry.js";
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
export async function runEmbedding(
  params: EmbeddingParams,
  routed: CallTracker | null | undefined,
): Promise<EmbeddingResponse> {
  if (routed !== undefined) return embed(params, routed ?? undefined);
  // Checked first: a call without handlers or telemetry builds no event, no closure, reads no clock.
  const handlers = handlersFor(params?.callbacks, undefined);
  const pending = telemetryFor(params, "embedding");
  const telemetry = pending === undefined ? undefined : await pending;
  if (handlers === undefined && telemetry === undefined) return embed(params, undefined);
  const tracker = new CallTracker(handlers ?? [], "embedding", params, telemetry);
  return tracker.report(() => embed(params, tracker));
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
