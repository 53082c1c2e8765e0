/** `listModels()`: the models a provider offers, from its `GET /models`. */
import { resolveProvider } from "../params/parse-model.js";
import type { ListModelsParams } from "../params/schemas.js";
import { validateParams } from "../params/validate-params.js";
import type { ModelObject } from "../types.js";
import { resolveCall } from "./prepare-call.js";
import { hasDataArray, sendJson } from "./send-json.js";

/**
 * Lists the models a provider offers to your key. Accepts OpenAI's `{ object: "list", data }` and
 * the `{ success: true, data }` some gateways send; returns the plain array of model objects.
 *
 * @example
 * const models = await listModels({ provider: "cometapi" });
 * console.log(models.map((model) => model.id));
 */
export async function listModels(params: ListModelsParams): Promise<ModelObject[]> {
  await validateParams("listModels", params);
  const adapter = resolveProvider(params.provider);
  const call = resolveCall(adapter, "", params);
  const response = await sendJson(call, "models", undefined, hasDataArray, "a model list");
  return response.data as ModelObject[];
}
