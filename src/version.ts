/** The version of llmux, as in its package.json; sent as `user-agent: llmux/<version>`. */
export const VERSION = "0.1.0";
