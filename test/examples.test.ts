/** The README's examples run, as a newcomer runs them (against the local stand-in, no key). */
import { execFile } from "node:child_process";
import { join } from "node:path";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";

const run = promisify(execFile);
const root = join(import.meta.dirname, "..");
const env = { ...process.env, COMETAPI_KEY: "", COMETAPI_API_KEY: "" };

async function example(name: string): Promise<string> {
  const { stdout } = await run(process.execPath, ["--import", "tsx", join("examples", name)], {
    cwd: root,
    env,
    timeout: 30_000,
  });
  return stdout;
}

describe("examples", () => {
  it("demo: completion, streaming and a caught typed error", async () => {
    const output = await example("demo.ts");
    expect(output).toContain("1. completion()");
    expect(output).toContain('You said: "Say hello in five words."');
    expect(output).toMatch(/\d+ chunks; finish_reason stop; usage \{"prompt_tokens":12/);
    expect(output).toContain("caught AuthenticationError (status 401, retryable false)");
  });

  it.each([
    ["quickstart.ts", 'You said: "Hello, how are you?"'],
    ["streaming.ts", 'You said: "Write a haiku about the sea."'],
    ["async-streaming.ts", 'You said: "Tell me a fact."'],
    ["error-handling.ts", "AuthenticationError: cometapi/gpt-4o-mini: 401 Incorrect API key"],
    ["embeddings-images-models.ts", "2 embeddings of 8 numbers"],
    ["custom-provider.ts", 'You said: "Hi"'],
  ])("%s", async (name, expected) => {
    expect(await example(name)).toContain(expected);
  });
});
