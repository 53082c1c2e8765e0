/**
 * For the examples: CometAPI when COMETAPI_KEY is set, otherwise the local stand-in. With a key,
 * the options are empty: llmux reads COMETAPI_KEY itself.
 */
import { LOCAL_API_KEY, startLocalCometAPI } from "./local-cometapi-server.js";

export async function connect(): Promise<{
  options: { apiKey?: string; apiBase?: string };
  close: () => Promise<void>;
}> {
  if (process.env.COMETAPI_KEY || process.env.COMETAPI_API_KEY) {
    return { options: {}, close: async () => {} };
  }
  const local = await startLocalCometAPI();
  return { options: { apiKey: LOCAL_API_KEY, apiBase: local.apiBase }, close: local.close };
}
