/**
 * The built package, as users load it: `require("llmux")` and `import("llmux")` (through the
 * package's own `exports`), each calling completion() with mockResponse; and the type files.
 */
import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { promisify } from "node:util";
import { beforeAll, describe, expect, it } from "vitest";
import { chatCompletionBody } from "./helpers/fixtures.js";
import { sendJson, useTestServer } from "./helpers/server.js";

const run = promisify(execFile);
const root = join(import.meta.dirname, "..");
const server = useTestServer();

beforeAll(async () => {
  await run("npm", ["run", "build"], { cwd: root });
}, 120_000);

const script = (load: string) => `
${load}
llmux.completion({ model: "cometapi/gpt-5", messages: [{ role: "user", content: "Hi" }], mockResponse: "built ok" })
  .then((response) => console.log(response.choices[0].message.content, typeof llmux.RateLimitError, llmux.VERSION));
`;

describe("the built package", () => {
  it("works with require()", async () => {
    const { stdout } = await run(
      process.execPath,
      ["-e", script('const llmux = require("llmux");')],
      { cwd: root },
    );
    expect(stdout.trim()).toMatch(/^built ok function \d+\.\d+\.\d+/);
  });

  it("works with import()", async () => {
    const { stdout } = await run(
      process.execPath,
      ["--input-type=module", "-e", script('const llmux = await import("llmux");')],
      { cwd: root },
    );
    expect(stdout.trim()).toMatch(/^built ok function \d+\.\d+\.\d+/);
  });

  it("retries through the CommonJS build (which carries its own copy of p-retry)", async () => {
    let count = 0;
    server.handle((_, response) => {
      if (count++ < 2)
        sendJson(response, 500, { error: { message: "boom" } }, { "retry-after-ms": "5" });
      else sendJson(response, 200, chatCompletionBody("after retries"));
    });
    const code = `require("llmux").completion({ model: "cometapi/gpt-5", messages: [{ role: "user", content: "Hi" }], apiKey: "k", apiBase: process.argv[1] })
      .then((response) => console.log(response.choices[0].message.content, response._hidden_params.attempts));`;
    const { stdout } = await run(process.execPath, ["-e", code, server.apiBase], { cwd: root });
    expect(stdout.trim()).toBe("after retries 3");
  });

  it("ships ESM, CommonJS and type declarations", () => {
    for (const file of ["index.js", "index.cjs", "index.d.ts", "index.d.cts"]) {
      expect(existsSync(join(root, "dist", file))).toBe(true);
    }
  });
});
