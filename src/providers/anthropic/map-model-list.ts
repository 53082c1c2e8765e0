/**
 * Anthropic's model list (`{ data: [{ type: "model", id, display_name, created_at }], has_more }`)
 * as OpenAI's (`{ object: "list", data: [{ id, object: "model", created, owned_by }] }`), each
 * model's own fields kept.
 */
import { isRecord } from "../../json-guards.js";

/** Maps a parsed `GET /v1/models` answer; a body without `data` is returned as it is. */
export function mapModelList(
  body: Record<string, unknown>,
  ownedBy: string,
): Record<string, unknown> {
  if (!Array.isArray(body.data)) return body;
  const data = body.data.map((model: unknown) => {
    if (!isRecord(model)) return model;
    const created =
      typeof model.created_at === "string" ? Date.parse(model.created_at) : Number.NaN;
    return {
      ...model,
      object: "model",
      created: Number.isFinite(created) ? Math.floor(created / 1000) : 0,
      owned_by: ownedBy,
    };
  });
  return { ...body, object: "list", data };
}
