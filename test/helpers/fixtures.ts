/** Wire-format bodies in CometAPI's (OpenAI's) shape, as tests send them. */

export function chatCompletionBody(content: string, extra: Record<string, unknown> = {}) {
  return {
    id: "chatcmpl-abc123",
    object: "chat.completion",
    created: 1_764_000_000,
    model: "gpt-5-2025-08-07",
    system_fingerprint: "fp_test",
    choices: [
      {
        index: 0,
        message: { role: "assistant", content, refusal: null, annotations: [] },
        logprobs: null,
        finish_reason: "stop",
      },
    ],
    usage: {
      prompt_tokens: 9,
      completion_tokens: 12,
      total_tokens: 21,
      prompt_tokens_details: { cached_tokens: 0, audio_tokens: 0 },
      completion_tokens_details: { reasoning_tokens: 0 },
    },
    ...extra,
  };
}

export function chunkBody(
  delta: Record<string, unknown>,
  finishReason: string | null = null,
  extra: Record<string, unknown> = {},
) {
  return {
    id: "chatcmpl-stream1",
    object: "chat.completion.chunk",
    created: 1_764_000_000,
    model: "gpt-5-2025-08-07",
    system_fingerprint: "fp_test",
    choices: [{ index: 0, delta, logprobs: null, finish_reason: finishReason }],
    ...extra,
  };
}

export function usageChunkBody() {
  return {
    id: "chatcmpl-stream1",
    object: "chat.completion.chunk",
    created: 1_764_000_000,
    model: "gpt-5-2025-08-07",
    choices: [],
    usage: { prompt_tokens: 9, completion_tokens: 3, total_tokens: 12 },
  };
}

/** The SSE text of a whole short stream: role, "Hello", " world", stop, usage, [DONE]. */
export function helloWorldStream(): string {
  return [
    chunkBody({ role: "assistant", content: "" }),
    chunkBody({ content: "Hello" }),
    chunkBody({ content: " world" }),
    chunkBody({}, "stop"),
    usageChunkBody(),
  ]
    .map((chunk) => `data: ${JSON.stringify(chunk)}\n\n`)
    .concat("data: [DONE]\n\n")
    .join("");
}
