/**
 * The calls whose answer is one JSON object (a chat completion, an embedding list, an image list,
 * a model list): send, read the JSON, map it through the adapter, attach `_hidden_params`.
 */
import { prepareRequest } from "../http/prepare-request.js";
import { readJsonBody } from "../http/read-json-body.js";
import type { ResolvedCall } from "../http/resolved-call.js";
import { send } from "../http/send.js";
import type { Endpoint } from "../providers/provider.js";
import { attachHiddenParams } from "./hidden-params.js";

/** Sends the call and resolves to the mapped answer; `what` names what a 2xx must hold. */
export async function sendJson(
  call: ResolvedCall,
  endpoint: Endpoint,
  body: Record<string, unknown> | undefined,
  isExpected: (json: Record<string, unknown>) => boolean,
  what: string,
): Promise<Record<string, unknown>> {
  const { value, hidden } = await send(
    call,
    prepareRequest(call, endpoint, body),
    (response, attempt) =>
      readJsonBody(response, attempt.context, call.maxResponseBytes, isExpected, what),
    "no answer came",
  );
  return attachHiddenParams(call.adapter.doMapResponse(endpoint, value), hidden);
}

/** A 2xx body with a `data` array: embedding, image and model lists. */
export const hasDataArray = (json: Record<string, unknown>) => Array.isArray(json.data);
