/**
 * The mapper of one `:streamGenerateContent?alt=sse` stream. Each event is a whole
 * `GenerateContentResponse` holding only what is new (the parts since the last event, and the
 * usage so far), so each maps to one OpenAI chunk of deltas:
 * - the first delta of each choice carries `role: "assistant"` (with the event's content: no
 *   empty chunk of its own);
 * - text, `thought` text and `functionCall` parts become `content`, `reasoning_content` and
 *   `tool_calls` deltas; a call arrives whole, so its delta holds the id, name and all its
 *   arguments, at an `index` that counts the choice's calls across events;
 * - a `finishReason` becomes the choice's `finish_reason` in the same chunk (`tool_calls` when
 *   the choice called functions in any event);
 * - the usage: Gemini repeats `usageMetadata` on many events, each counting everything so far.
 *   The mapper cannot know which event is the last, and the reader ends the stream at the end of
 *   the body without asking it, so the usage-only chunk (`choices: []`) goes right after the
 *   chunk of the event on which every choice has finished, from that event's counts: Gemini
 *   sends its final counts with the `finishReason` and nothing after it. Should a server send
 *   more events with usage after that (as Gemini's 2024 API sent `STOP` on every event), each
 *   is followed by a usage chunk again: the counts only grow, so the last usage chunk is right,
 *   and `streamChunkBuilder` keeps the last values.
 * - a blocked prompt (`promptFeedback.blockReason`, no candidates) becomes a chunk finishing
 *   choice 0 with `content_filter`, carrying the `error` object a non-streamed call would throw.
 *
 * It runs for every event: state lives in the closure made once per stream, and an event
 * creates only the chunk objects it returns.
 */

import { isRecord, numberOf, stringOf } from "../../json-guards.js";
import type { StreamMapper, StreamMapperInput } from "../provider.js";
import { blockedPromptError } from "./blocked-prompt.js";
import { mapFinishReason } from "./map-finish-reason.js";
import { mapParts } from "./map-parts.js";
import { mapUsage } from "./map-usage.js";
import { createdOf, responseIdOf } from "./response-identity.js";

type Chunk = Record<string, unknown>;

const NO_CHUNKS: readonly Chunk[] = Object.freeze([]);

/** Makes the mapper of one stream. */
export function createStreamMapper(input: StreamMapperInput): StreamMapper {
  const includeUsage = input.includeUsage;
  let id: string | undefined;
  let created = 0;
  let model = input.model;
  // Per choice index: role sent, calls made, finished.
  const started: boolean[] = [];
  const toolCounts: number[] = [];
  const finished: boolean[] = [];
  let startedCount = 0;
  let finishedCount = 0;

  const chunkOf = (choices: Chunk[]): Chunk => ({
    id,
    object: "chat.completion.chunk",
    created,
    model,
    choices,
  });

  const mapCandidate = (candidate: unknown, position: number): Chunk | undefined => {
    if (!isRecord(candidate)) return undefined;
    const index = numberOf(candidate.index) ?? position;
    const content = candidate.content;
    const madeCalls = toolCounts[index] ?? 0;
    const parts = mapParts(isRecord(content) ? content.parts : undefined, madeCalls);
    const reason = stringOf(candidate.finishReason);
    const delta: Chunk = {};
    if (started[index] !== true) {
      started[index] = true;
      startedCount++;
      delta.role = "assistant";
    } else if (
      parts.content === undefined &&
      parts.reasoning === undefined &&
      parts.toolCalls === undefined &&
      reason === undefined
    ) {
      return undefined;
    }
    if (parts.content !== undefined) delta.content = parts.content;
    if (parts.reasoning !== undefined) delta.reasoning_content = parts.reasoning;
    if (parts.toolCalls !== undefined) {
      delta.tool_calls = parts.toolCalls;
      toolCounts[index] = madeCalls + parts.toolCalls.length;
    }
    let finishReason: string | null = null;
    if (reason !== undefined) {
      finishReason = mapFinishReason(reason, (toolCounts[index] ?? 0) > 0);
      if (finished[index] !== true) {
        finished[index] = true;
        finishedCount++;
      }
    }
    return { index, delta, logprobs: null, finish_reason: finishReason };
  };

  return (data) => {
    if (id === undefined) {
      id = responseIdOf(data);
      created = createdOf(data);
      model = stringOf(data.modelVersion) ?? model;
    }
    const candidates = data.candidates;
    let main: Chunk | undefined;
    if (Array.isArray(candidates) && candidates.length > 0) {
      const choices: Chunk[] = [];
      for (let position = 0; position < candidates.length; position++) {
        const choice = mapCandidate(candidates[position], position);
        if (choice !== undefined) choices.push(choice);
      }
      if (choices.length > 0) main = chunkOf(choices);
    } else {
      const blocked = blockedPromptError(data.promptFeedback);
      if (blocked !== undefined) main = blockedChunk(blocked);
    }
    const metadata = data.usageMetadata;
    const usage =
      includeUsage &&
      isRecord(metadata) &&
      startedCount > 0 &&
      // All the candidates asked for: one may first appear after another has finished.
      finishedCount === Math.max(startedCount, input.choices)
        ? { ...chunkOf([]), usage: mapUsage(metadata) }
        : undefined;
    if (main === undefined) return usage === undefined ? NO_CHUNKS : [usage];
    return usage === undefined ? [main] : [main, usage];
  };

  function blockedChunk(blocked: Chunk): Chunk {
    if (started[0] !== true) {
      started[0] = true;
      startedCount++;
    }
    if (finished[0] !== true) {
      finished[0] = true;
      finishedCount++;
    }
    const choice = {
      index: 0,
      delta: { role: "assistant" },
      logprobs: null,
      finish_reason: "content_filter",
    };
    return { ...chunkOf([choice]), error: blocked.error };
  }
}
