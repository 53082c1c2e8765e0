import type { CompletionStream, ModelResponseStream } from "../../src/index.js";

/** Reads a whole stream into an array. */
export async function collect(stream: CompletionStream): Promise<ModelResponseStream[]> {
  const chunks: ModelResponseStream[] = [];
  for await (const chunk of stream) chunks.push(chunk);
  return chunks;
}

/** Reads a stream until it throws: the contents seen before, and what it threw. */
export async function readUntilError(
  stream: CompletionStream,
): Promise<{ seen: string[]; error: unknown }> {
  const seen: string[] = [];
  try {
    for await (const chunk of stream) seen.push(chunk.choices[0]?.delta.content ?? "");
  } catch (error) {
    return { seen, error };
  }
  throw new Error(`the stream ended without an error after ${JSON.stringify(seen)}`);
}

/** The concatenated `delta.content` of a stream's chunks. */
export function contentOf(chunks: readonly ModelResponseStream[]): string {
  return chunks.map((chunk) => chunk.choices[0]?.delta.content ?? "").join("");
}

/** A fetch function that answers every request with these body pieces, one read each. */
export function fetchReturning(
  pieces: readonly Uint8Array[],
  init: ResponseInit = { headers: { "content-type": "text/event-stream" } },
) {
  return async () =>
    new Response(
      new ReadableStream<Uint8Array>({
        start(controller) {
          for (const piece of pieces) controller.enqueue(piece);
          controller.close();
        },
      }),
      init,
    );
}
