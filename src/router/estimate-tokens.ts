/**
 * A rough count of a call's prompt tokens (4 characters a token), reserved against a
 * deployment's `tpm` when the call starts and replaced by the real count when it ends, so that
 * concurrent calls cannot all slip under a `tpm` limit before any of them has reported usage.
 */
export function estimatePromptTokens(params: object): number {
  const { messages, input, prompt } = params as {
    messages?: unknown;
    input?: unknown;
    prompt?: unknown;
  };
  let characters = 0;
  const count = (value: unknown): void => {
    if (typeof value === "string") characters += value.length;
    else if (Array.isArray(value)) for (const item of value) count(item);
    else if (value !== null && typeof value === "object") {
      const record = value as { content?: unknown; text?: unknown };
      count(record.content);
      count(record.text);
    }
  };
  count(messages);
  count(input);
  count(prompt);
  return Math.ceil(characters / 4);
}
