/** `router_settings.redis_*` of a LiteLLM config as the Router's `redis` URL. */
import { at, issue, MISSING, type Reader, readNumber } from "./config-reader.js";

const REDIS_KEYS = new Set([
  "redis_url",
  "redis_host",
  "redis_port",
  "redis_password",
  "redis_username",
  "redis_ssl",
]);

/**
 * The Router's `redis` URL from `redis_url`, or from `redis_host`, `redis_port` (6379),
 * `redis_username`, `redis_password` and `redis_ssl` (LiteLLM's router settings).
 */
export function readRedis(settings: Record<string, unknown>, reader: Reader): string | undefined {
  for (const key of Object.keys(settings)) {
    if (key.startsWith("redis_") && !REDIS_KEYS.has(key)) {
      issue(
        reader,
        `router_settings.${key}`,
        `is not read by llmux (it reads ${[...REDIS_KEYS].join(", ")})`,
      );
    }
  }
  const path = "router_settings";
  const url = at(settings, path, "redis_url", reader);
  if (url.value !== undefined && url.value !== null && url.value !== MISSING) {
    if (typeof url.value === "string" && /^rediss?:\/\//.test(url.value)) return url.value;
    issue(reader, url.path, 'must be a Redis URL ("redis://host:6379")');
    return undefined;
  }
  const host = at(settings, path, "redis_host", reader).value;
  if (host === undefined || host === null || host === MISSING) return undefined;
  if (typeof host !== "string" || host === "") {
    issue(reader, `${path}.redis_host`, "must be a host name");
    return undefined;
  }
  const port = readNumber(at(settings, path, "redis_port", reader), "whole", reader) ?? 6379;
  const username = at(settings, path, "redis_username", reader).value;
  const password = at(settings, path, "redis_password", reader).value;
  const ssl = at(settings, path, "redis_ssl", reader).value;
  const secure = ssl === true || ssl === "true" || ssl === "True";
  const user = typeof username === "string" ? encodeURIComponent(username) : "";
  const auth =
    typeof password === "string" && password !== ""
      ? `${user}:${encodeURIComponent(password)}@`
      : user === ""
        ? ""
        : `${user}@`;
  return `${secure ? "rediss" : "redis"}://${auth}${host}:${port}`;
}
