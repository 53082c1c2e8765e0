/** `imageGeneration()`: OpenAI's `POST /images/generations` through any registered provider. */

import { type ImageGenerationParams, imageGenerationParamsSchema } from "../params/schemas.js";
import type { ImageResponse } from "../types.js";
import { hasDataArray, runModelCall } from "./prepare-call.js";

const imageGenerationCall = {
  name: "imageGeneration",
  schema: imageGenerationParamsSchema,
  endpoint: "images",
  isExpected: hasDataArray,
  expected: "an image list",
} as const;

/**
 * Generates images from a prompt; answers with `{ created, data: [{ url?, b64_json?,
 * revised_prompt? }], usage? }`.
 *
 * @example
 * const image = await imageGeneration({ model: "cometapi/dall-e-3", prompt: "A red fox", size: "1024x1024" });
 * console.log(image.data[0]?.url);
 */
export async function imageGeneration(params: ImageGenerationParams): Promise<ImageResponse> {
  return (await runModelCall(imageGenerationCall, params)) as ImageResponse;
}
