// Packs llmux, installs the tarball into a new temporary project, and checks that both
// require("llmux") and import("llmux") call completion() with mockResponse.
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";

const root = resolve(import.meta.dirname, "..");
const work = mkdtempSync(join(tmpdir(), "llmux-smoke-"));
const run = (command, args, cwd) => execFileSync(command, args, { cwd, encoding: "utf8" }).trim();

try {
  const tarball = run("npm", ["pack", "--silent", "--pack-destination", work], root)
    .split("\n")
    .at(-1);
  writeFileSync(join(work, "package.json"), JSON.stringify({ name: "smoke", private: true }));
  run("npm", ["install", "--no-audit", "--no-fund", "--prefer-offline", join(work, tarball)], work);
  const call = `llmux.completion({ model: "cometapi/gpt-5", messages: [{ role: "user", content: "Hi" }], mockResponse: "ok" })
    .then((response) => console.log(response.choices[0].message.content))`;
  const cjs = run(process.execPath, ["-e", `const llmux = require("llmux"); ${call}`], work);
  const esm = run(
    process.execPath,
    ["--input-type=module", "-e", `import * as llmux from "llmux"; ${call}`],
    work,
  );
  if (cjs !== "ok" || esm !== "ok")
    throw new Error(`unexpected output: require -> ${cjs}, import -> ${esm}`);
  console.log(`smoke: ${tarball} works with require() and import() on Node ${process.version}`);
} finally {
  rmSync(work, { recursive: true, force: true });
}
