/**
 * The calls whose answer is one JSON object (a chat completion, an embedding list, an image list,
 * a model list): send, read the JSON, map it through the adapter, attach `_hidden_params`.
 */
import {
  createEventError,
  createInvalidBodyError,
  createMappingError,
} from "../errors/create-error.js";
import { LLMError } from "../errors/errors.js";
import { prepareRequest } from "../http/prepare-request.js";
import { readJsonBody } from "../http/read-json-body.js";
import type { ResolvedCall } from "../http/resolved-call.js";
import { send } from "../http/send.js";
import { type CostSource, completionCost } from "../observability/completion-cost.js";
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
    async (response, attempt) => {
      const json = await readJsonBody(
        response,
        attempt.context,
        call.maxResponseBytes,
        hasNoError,
        what,
      );
      // Mapped inside the attempt: an answer the adapter finds to be a failure (a blocked
      // prompt) is an error of this attempt, with its facts.
      let mapped: Record<string, unknown>;
      try {
        mapped = call.adapter.doMapResponse(endpoint, json, call.model, body);
      } catch (error) {
        if (error instanceof LLMError) throw error;
        throw createMappingError(attempt.context, response.status, response.headers, error);
      }
      if (isExpected(mapped)) return mapped;
      if (mapped.error != null) throw createEventError(attempt.context, mapped, response.headers);
      const { status, headers } = response;
      throw createInvalidBodyError(attempt.context, status, headers, JSON.stringify(json), what);
    },
    "no answer came",
  );
  if (endpoint !== "models") {
    const cost = completionCost(value as CostSource, `${call.adapter.id}/${call.model}`);
    if (cost !== undefined) hidden.responseCost = cost;
  }
  return attachHiddenParams(value, hidden);
}

/** Any JSON object but an `{ "error": ... }` (that is thrown as the error it holds). */
const hasNoError = (json: Record<string, unknown>) => json.error == null;

/** A 2xx body with a `data` array: embedding, image and model lists. */
export const hasDataArray = (json: Record<string, unknown>) => Array.isArray(json.data);
