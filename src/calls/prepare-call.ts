/**
 * The shared path of the calls that send a model one JSON body and get one JSON object back
 * (`embedding()`, `imageGeneration()`): validate, resolve the provider, key and base, send.
 */
import type { z } from "zod";
import { sendJson } from "../http/send.js";
import { buildBody, parseModel, resolveCall } from "../params/resolve-call.js";
import type { ClientOptions } from "../params/schemas.js";
import { validateParams } from "../params/validate-params.js";
import type { Endpoint } from "../providers/provider.js";

/** What differs between such calls. */
export interface ModelCall {
  /** The function's name, for messages: `embedding`. */
  name: string;
  schema: z.ZodObject;
  endpoint: Endpoint;
  /** Whether a 2xx JSON body is the object expected. */
  isExpected: (json: Record<string, unknown>) => boolean;
  /** What was expected, for the message when it is not: `an embedding list`. */
  expected: string;
}

/** Runs a {@link ModelCall} with the caller's parameters. */
export async function runModelCall(
  spec: ModelCall,
  params: ClientOptions & { model: string },
): Promise<Record<string, unknown>> {
  validateParams(spec.schema, params, spec.name);
  const { adapter, model } = parseModel(params.model);
  const call = resolveCall(adapter, model, params);
  const body = buildBody(params as unknown as Record<string, unknown>, model);
  return sendJson(call, spec.endpoint, body, spec.isExpected, spec.expected);
}

/** A 2xx body with a `data` array: embedding, image and model lists. */
export const hasDataArray = (json: Record<string, unknown>) => Array.isArray(json.data);
