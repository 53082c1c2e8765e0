/** The documented defaults of the client options. */

/** `timeout`, per attempt. @default 600000 */
export const DEFAULT_TIMEOUT_MS = 600_000;
/** `streamIdleTimeout`. @default 300000 */
export const DEFAULT_STREAM_IDLE_TIMEOUT_MS = 300_000;
/** `maxRetries`. @default 2 */
export const DEFAULT_MAX_RETRIES = 2;
/** `maxResponseBytes`. @default 268435456 (256 MiB) */
export const DEFAULT_MAX_RESPONSE_BYTES = 256 * 1024 * 1024;
