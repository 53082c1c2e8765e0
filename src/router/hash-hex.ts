/**
 * A hex digest through `node:crypto`, loaded on first use: a process that never builds a
 * deployment id from a key or talks to Redis never loads it (it pulls in Node's streams, ~3 ms
 * of `import "llmux"`).
 */
export function hashHex(algorithm: "sha1" | "sha256", text: string): string {
  return process.getBuiltinModule("node:crypto").createHash(algorithm).update(text).digest("hex");
}
