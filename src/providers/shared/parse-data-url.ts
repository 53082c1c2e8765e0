/** The base64 data URLs the native protocols take inline (images, audio, PDFs). */

/** A `data:<media type>;base64,<data>` URL, cut into its parts. */
export interface Base64DataUrl {
  /** `image/png`, `application/pdf`, ... */
  mediaType: string;
  /** The base64 text, as given. */
  data: string;
}

/**
 * The media type and base64 data of a `data:<type>;base64,<data>` URL (other parameters, such
 * as `;charset=...`, may come before `base64`, which is the last); undefined for anything else,
 * a data URL that is not base64 included. Cut with `indexOf`, not a regular expression: an image's data runs to
 * megabytes.
 */
export function parseBase64DataUrl(url: string): Base64DataUrl | undefined {
  if (!url.startsWith("data:")) return undefined;
  const comma = url.indexOf(",");
  if (comma === -1) return undefined;
  const [mediaType = "", ...flags] = url.slice(5, comma).split(";");
  // RFC 2397: `;base64` is the last parameter; anywhere else it is no encoding (as browsers read it).
  if (mediaType === "" || flags.at(-1)?.trim().toLowerCase() !== "base64") return undefined;
  return { mediaType, data: url.slice(comma + 1) };
}
