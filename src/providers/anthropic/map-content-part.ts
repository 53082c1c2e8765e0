/**
 * One OpenAI content part as one Anthropic content block: `text` -> text, `image_url` -> image
 * (a data URL as base64 with its media type, an http(s) URL as a URL source), `file` with
 * `file_data` -> document. A part's `cache_control` (prompt caching) is kept on its block.
 */

import { isRecord } from "../../json-guards.js";
import { createRequestError, type RequestContext } from "../shared/create-request-error.js";
import { parseBase64DataUrl } from "../shared/parse-data-url.js";

/** An Anthropic content block. */
export type ContentBlock = Record<string, unknown>;

/** A text block; `from`'s `cache_control`, if any, is kept. */
export function textBlock(text: string, from?: Record<string, unknown>): ContentBlock {
  const block: ContentBlock = { type: "text", text };
  if (from?.cache_control !== undefined) block.cache_control = from.cache_control;
  return block;
}

/**
 * Maps the content part at `path` (`messages[1].content[0]`).
 * @throws {BadRequestError} for a part the Messages API cannot take (audio, a file id, a URL
 *   that is neither `data:` nor http(s)).
 */
export function mapContentPart(part: unknown, path: string, context: RequestContext): ContentBlock {
  if (!isRecord(part)) {
    throw createRequestError(context, path, "is not a content part", "Give `{ type, ... }`.");
  }
  let block: ContentBlock;
  switch (part.type) {
    case "text":
      return textBlock(String(part.text), part);
    case "image_url": {
      const image = part.image_url;
      const url = isRecord(image) ? image.url : image;
      block = { type: "image", source: imageSource(url, `${path}.image_url.url`, context) };
      break;
    }
    case "file":
      block = documentBlock(part.file, `${path}.file`, context);
      break;
    case "input_audio":
      throw createRequestError(
        context,
        path,
        "is audio, which Anthropic's Messages API does not take",
        "Send a transcript as text instead.",
      );
    default:
      throw createRequestError(
        context,
        `${path}.type`,
        `is ${JSON.stringify(part.type)}, which has no Anthropic content block`,
        "Give text, image_url or file parts.",
      );
  }
  if (part.cache_control !== undefined) block.cache_control = part.cache_control;
  return block;
}

/** `data:image/png;base64,...` -> a base64 source; `https://...` -> a URL source. */
function imageSource(url: unknown, path: string, context: RequestContext): ContentBlock {
  if (typeof url === "string" && /^https?:\/\//i.test(url)) return { type: "url", url };
  const data = typeof url === "string" ? parseBase64DataUrl(url) : undefined;
  if (data !== undefined) return { type: "base64", media_type: data.mediaType, data: data.data };
  throw createRequestError(
    context,
    path,
    "is neither a base64 data URL nor an http(s) URL",
    'Give "data:image/png;base64,..." or "https://...".',
  );
}

/** `file.file_data` as a data URL -> a base64 document (PDF); a `file_id` cannot be sent. */
function documentBlock(file: unknown, path: string, context: RequestContext): ContentBlock {
  const data =
    isRecord(file) && typeof file.file_data === "string"
      ? parseBase64DataUrl(file.file_data)
      : undefined;
  if (data === undefined) {
    throw createRequestError(
      context,
      isRecord(file) && file.file_id !== undefined ? `${path}.file_id` : `${path}.file_data`,
      "cannot be sent to Anthropic's Messages API (it takes files as base64 data)",
      'Give `file_data` as a data URL: "data:application/pdf;base64,...".',
    );
  }
  const block: ContentBlock = {
    type: "document",
    source: { type: "base64", media_type: data.mediaType, data: data.data },
  };
  if (isRecord(file) && typeof file.filename === "string") block.title = file.filename;
  return block;
}
