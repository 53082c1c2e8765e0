/**
 * One part of a user message (`text`, `image_url`, `input_audio`, `file`) as a Gemini part:
 * text as `text`, inline data (a `data:` URL, base64 audio) as `inlineData`, a URL as `fileData`.
 */

import { isRecord, stringOf } from "../../json-guards.js";
import { createRequestError, type RequestContext } from "../shared/create-request-error.js";
import { parseBase64DataUrl } from "../shared/parse-data-url.js";

/** MIME types by file extension, for a URL given without one (Gemini reads `fileData` by type). */
const MIME_TYPES: ReadonlyMap<string, string> = new Map([
  ["png", "image/png"],
  ["jpg", "image/jpeg"],
  ["jpeg", "image/jpeg"],
  ["webp", "image/webp"],
  ["gif", "image/gif"],
  ["heic", "image/heic"],
  ["heif", "image/heif"],
  ["pdf", "application/pdf"],
  ["mp3", "audio/mp3"],
  ["wav", "audio/wav"],
  ["mp4", "video/mp4"],
]);

/** Maps one content part of `messages[index]`; `path` names it in errors. */
export function mapContentPart(
  part: unknown,
  path: string,
  context: RequestContext,
): Record<string, unknown> | undefined {
  if (!isRecord(part)) {
    throw createRequestError(
      context,
      path,
      "is not a content part",
      "Give an object with a `type`.",
    );
  }
  switch (part.type) {
    case "text": {
      const text = stringOf(part.text) ?? "";
      return text === "" ? undefined : { text };
    }
    case "image_url": {
      const image = part.image_url;
      const url = isRecord(image) ? stringOf(image.url) : stringOf(image);
      return mapUrl(url ?? "", `${path}.image_url.url`, context);
    }
    case "input_audio": {
      const audio = isRecord(part.input_audio) ? part.input_audio : {};
      const format = stringOf(audio.format) ?? "wav";
      return { inlineData: { mimeType: `audio/${format}`, data: stringOf(audio.data) ?? "" } };
    }
    case "file": {
      const file = isRecord(part.file) ? part.file : {};
      const data = stringOf(file.file_data);
      if (data !== undefined) return mapUrl(data, `${path}.file.file_data`, context);
      const id = stringOf(file.file_id);
      if (id !== undefined) return { fileData: { fileUri: id } };
      throw createRequestError(
        context,
        `${path}.file`,
        "has neither `file_data` nor `file_id`",
        "Give the file as a base64 data URL in `file_data`, or a Gemini Files API URI in `file_id`.",
      );
    }
    default:
      throw createRequestError(
        context,
        `${path}.type`,
        `"${String(part.type)}" is not a content part the ${context.provider}/ provider can send`,
        "Use `text`, `image_url`, `input_audio` or `file`.",
      );
  }
}

/** A base64 data URL as `inlineData`, an http(s) URL as `fileData`. */
function mapUrl(url: string, path: string, context: RequestContext): Record<string, unknown> {
  // A base64 data URL is the only one Gemini's `inlineData` can carry.
  const data = parseBase64DataUrl(url);
  if (data !== undefined) return { inlineData: { mimeType: data.mediaType, data: data.data } };
  if (url.startsWith("https://") || url.startsWith("http://")) {
    const mimeType = mimeTypeOf(url);
    return { fileData: mimeType === undefined ? { fileUri: url } : { mimeType, fileUri: url } };
  }
  throw createRequestError(
    context,
    path,
    url.startsWith("data:")
      ? "is a data URL that is not base64"
      : "is neither a base64 data URL nor an http(s) URL",
    'Give "data:<mime type>;base64,<data>" or an http(s) URL.',
  );
}

/** The MIME type a URL's file extension names, if llmux knows it. */
function mimeTypeOf(url: string): string | undefined {
  const path = url.split(/[?#]/, 1)[0] ?? "";
  const dot = path.lastIndexOf(".");
  if (dot === -1 || dot < path.lastIndexOf("/")) return undefined;
  return MIME_TYPES.get(path.slice(dot + 1).toLowerCase());
}
