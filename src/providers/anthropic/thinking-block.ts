/**
 * A signed block of Claude's extended thinking, as an answer carries it on
 * `message.thinking_blocks` (and a stream on `delta.thinking_blocks`, each block whole once it
 * has ended). Send the blocks back on the assistant message of the next turn: Anthropic checks
 * the signatures, and needs them to go on with a tool call made while thinking.
 */
export type AnthropicThinkingBlock =
  | {
      type: "thinking";
      /** The thinking text (empty when the model does not show it). */
      thinking: string;
      /** Anthropic's signature of the block. */
      signature: string;
    }
  | {
      /** Thinking Anthropic's safety systems encrypted: sent back as it came. */
      type: "redacted_thinking";
      data: string;
    };
