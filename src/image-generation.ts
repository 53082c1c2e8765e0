/** `imageGeneration()`: OpenAI's `POST /images/generations` through any registered provider. */
import { type ImageGenerationParams, imageGenerationParamsSchema } from "./params.js";
import { buildBody, parseModel, resolveCall } from "./resolve.js";
import { sendJson } from "./send.js";
import type { ImageResponse } from "./types.js";
import { validateParams } from "./validate.js";

/**
 * Generates images from a prompt; answers with `{ created, data: [{ url?, b64_json?,
 * revised_prompt? }], usage? }`.
 *
 * @example
 * const image = await imageGeneration({ model: "cometapi/dall-e-3", prompt: "A red fox", size: "1024x1024" });
 * console.log(image.data[0]?.url);
 */
export async function imageGeneration(params: ImageGenerationParams): Promise<ImageResponse> {
  validateParams(imageGenerationParamsSchema, params, "imageGeneration");
  const { adapter, model } = parseModel(params.model);
  const call = resolveCall(adapter, model, params);
  const body = buildBody(params as unknown as Record<string, unknown>, model);
  const response = await sendJson(
    call,
    "images",
    body,
    (json) => Array.isArray(json.data),
    "an image list",
  );
  return response as ImageResponse;
}
