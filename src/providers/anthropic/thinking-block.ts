/** The signed thinking block type lives with the answer types (`src/types.ts`), which carry it. */
export type { AnthropicThinkingBlock } from "../../types.js";
