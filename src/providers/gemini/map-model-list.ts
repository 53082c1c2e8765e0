/**
 * `listModels()` through Gemini's `GET /v1beta/models`: `{ models: [{ name: "models/..." }] }`
 * as OpenAI's `{ object: "list", data: [{ id, object: "model", owned_by }] }`, every field
 * Gemini sends kept (`displayName`, `inputTokenLimit`, `supportedGenerationMethods`, ...).
 */
import { isRecord, stringOf } from "../../json-guards.js";

/** The query that asks for every model in one page (Gemini's largest page). */
export const MODEL_LIST_QUERY = "?pageSize=1000";

/** Maps a model list; a body without `models` is returned as it is, for llmux to report. */
export function mapModelList(body: Record<string, unknown>): Record<string, unknown> {
  const models = body.models;
  if (!Array.isArray(models)) return body;
  return {
    object: "list",
    data: models.filter(isRecord).map((model) => {
      const name = stringOf(model.name) ?? "";
      return {
        ...model,
        id: name.startsWith("models/") ? name.slice("models/".length) : name,
        object: "model",
        owned_by: "google",
      };
    }),
  };
}
