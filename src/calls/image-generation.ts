/** `imageGeneration()`: OpenAI's `POST /images/generations` through any registered provider. */
import type { CallTracker } from "../observability/call-tracker.js";
import { trackCall } from "../observability/track-call.js";
import type { ImageGenerationParams } from "../params/schemas.js";
import type { ImageResponse } from "../types.js";
import { buildBody } from "./build-body.js";
import { checkSupportedParams } from "./check-supported-params.js";
import { prepareCall } from "./prepare-call.js";
import { hasDataArray, sendJson } from "./send-json.js";

/**
 * Generates images from a prompt; answers with `{ created, data: [{ url?, b64_json?,
 * revised_prompt? }], usage? }`.
 *
 * @example
 * const image = await imageGeneration({ model: "cometapi/dall-e-3", prompt: "A red fox", size: "1024x1024" });
 * console.log(image.data[0]?.url);
 */
export async function imageGeneration(params: ImageGenerationParams): Promise<ImageResponse> {
  return runImageGeneration(params, undefined);
}

/**
 * `imageGeneration()` for a Router, which gives its own `tracker` (`null`: no handlers) and
 * reports the call's start and end itself; this call reports its provider and retries into it.
 */
export function runImageGeneration(
  params: ImageGenerationParams,
  routed: CallTracker | null | undefined,
): Promise<ImageResponse> {
  if (routed !== undefined) return generate(params, routed ?? undefined);
  return trackCall("imageGeneration", params, undefined, (tracker) => generate(params, tracker));
}

async function generate(
  params: ImageGenerationParams,
  tracker: CallTracker | undefined,
): Promise<ImageResponse> {
  const prepared = await prepareCall("imageGeneration", params);
  const call = tracker === undefined ? prepared : tracker.follow(prepared);
  const dropped = checkSupportedParams(call.adapter, "images", params);
  const body = buildBody(params, call.model, dropped);
  return (await sendJson(call, "images", body, hasDataArray, "an image list")) as ImageResponse;
}
