/** The README's examples run, as a newcomer runs them (against the local stand-in, no key). */
import { execFile } from "node:child_process";
import { once } from "node:events";
import type { AddressInfo } from "node:net";
import { createServer } from "node:net";
import { join } from "node:path";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { startLocalCometAPI } from "../examples/local-cometapi-server.js";

const run = promisify(execFile);
const root = join(import.meta.dirname, "..");
const env: NodeJS.ProcessEnv = {
  ...process.env,
  COMETAPI_KEY: "",
  COMETAPI_API_KEY: "",
  ANTHROPIC_API_KEY: "",
  GEMINI_API_KEY: "",
  GOOGLE_API_KEY: "",
};
delete env.GEMINI_API_BASE;
delete env.LLMUX_DEMO_MODEL;
delete env.ANTHROPIC_BASE_URL;
delete env.ANTHROPIC_API_BASE;
delete env.COMETAPI_BASE_URL;
delete env.COMETAPI_API_BASE;

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs `node --import tsx examples/<name>`; a non-zero exit is a result, not a throw. */
async function runExample(name: string, extraEnv: NodeJS.ProcessEnv = {}): Promise<Run> {
  try {
    const { stdout, stderr } = await run(
      process.execPath,
      ["--import", "tsx", join("examples", name)],
      { cwd: root, env: { ...env, ...extraEnv }, timeout: 30_000 },
    );
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code?: unknown; stdout?: string; stderr?: string };
    if (typeof failed.code !== "number") throw error; // killed by the timeout, or not started
    return { code: failed.code, stdout: failed.stdout ?? "", stderr: failed.stderr ?? "" };
  }
}

async function example(name: string): Promise<string> {
  const { code, stdout, stderr } = await runExample(name);
  expect(code, stderr).toBe(0);
  return stdout;
}

/** The demo's output, from one run shared by the tests that read it. */
let demoRun: Promise<string> | undefined;
const demoOutput = () => {
  demoRun ??= example("demo.ts");
  return demoRun;
};

/** A port on 127.0.0.1 where nothing listens: taken from the system, then let go. */
async function closedPort(): Promise<number> {
  const server = createServer().listen(0, "127.0.0.1");
  await once(server, "listening");
  const { port } = server.address() as AddressInfo;
  server.close();
  await once(server, "close");
  return port;
}

describe("examples", () => {
  it("demo: completion, streaming and a caught typed error", async () => {
    const output = await demoOutput();
    expect(output).toContain("1. completion()");
    expect(output).toContain('You said: "Say hello in five words."');
    expect(output).toMatch(/\d+ chunks; finish_reason stop; usage \{"prompt_tokens":12/);
    expect(output).toContain("caught AuthenticationError (status 401, retryable false)");
  });

  it("demo step 4: a Router answers from the fallback and says where the call went", async () => {
    const output = await demoOutput();
    const step4 = output.slice(output.indexOf("4. a Router"));
    expect(step4).toContain('You said: "Say hello through the router."');
    // Three attempts on the refused deployment of "smart" (1 + numRetries), one on "fast".
    expect(step4).toContain("deployment fast (cometapi/gpt-4o-mini), 4 attempts, fallbacks: smart");
  });

  it("router.ts: a fallback, a stream past cooled deployments, and the cooldowns", async () => {
    const output = await example("router.ts");
    const [call, stream, cooldowns] = output.split(/\n(?=\d\. )/);
    expect(call).toContain('You said: "Say hello in five words."');
    // One attempt on each deployment of "smart" (each cooled at its first failure), one on "fast".
    expect(call).toContain(
      '{"deployment":{"id":"fast","modelName":"fast","model":"cometapi/gpt-4o-mini"},"attempts":3,"fallbacks":["smart"]}',
    );
    expect(stream).toContain('You said: "Count from one to five."');
    expect(stream).toContain('"id":"fast"');
    expect(stream).toContain('"attempts":1,"fallbacks":["smart"]');
    expect(cooldowns).toMatch(/smart-unreachable: .*APIConnectionError.*, for \d s more/);
    expect(cooldowns).toMatch(/smart-overloaded: .*503 ServiceUnavailableError.*, for \d s more/);
  });

  it("demo with a key but CometAPI unreachable: one line with the fix, exit code 1", async () => {
    const key = "sk-test-unreachable";
    const { code, stdout, stderr } = await runExample("demo.ts", {
      COMETAPI_KEY: key,
      COMETAPI_BASE_URL: `http://127.0.0.1:${await closedPort()}/v1`,
    });
    expect(code).toBe(1);
    expect(stderr.trimEnd().split("\n")).toEqual([
      expect.stringMatching(
        /^llmux demo: could not reach CometAPI \(cometapi\/gpt-4o-mini: connection failed: .*ECONNREFUSED.*\)\. Check your network and COMETAPI_KEY, or unset COMETAPI_KEY to run against the local stand-in\.$/,
      ),
    ]);
    expect(stdout + stderr).not.toContain("    at ");
    expect(stdout + stderr).not.toContain(key);
  });

  it("demo with a wrong key: one line saying the key was refused, exit code 1", async () => {
    const key = "sk-test-wrong-key";
    const server = await startLocalCometAPI(); // answers 401 to any key but its own
    try {
      const { code, stdout, stderr } = await runExample("demo.ts", {
        COMETAPI_KEY: key,
        COMETAPI_BASE_URL: server.apiBase,
      });
      expect(code).toBe(1);
      expect(stderr.trimEnd().split("\n")).toEqual([
        expect.stringMatching(
          /^llmux demo: CometAPI refused COMETAPI_KEY \(cometapi\/gpt-4o-mini: 401 Incorrect API key.*\)\. Check the key at .*, or unset COMETAPI_KEY to run against the local stand-in\.$/,
        ),
      ]);
      expect(stdout + stderr).not.toContain("    at ");
      expect(stdout + stderr).not.toContain(key);
    } finally {
      await server.close();
    }
  });

  it.each([
    ["quickstart.ts", 'You said: "Hello, how are you?"'],
    ["streaming.ts", 'You said: "Write a haiku about the sea."'],
    ["async-streaming.ts", 'You said: "Tell me a fact."'],
    ["error-handling.ts", "AuthenticationError: cometapi/gpt-4o-mini: 401 Incorrect API key"],
    ["embeddings-images-models.ts", "2 embeddings of 8 numbers"],
    ["custom-provider.ts", 'You said: "Hi"'],
    ["anthropic.ts", 'You said: "Count from one to five."'],
    ["gemini.ts", 'You said: "Say hello in five words."'],
    ["tools.ts", "It is 18 degrees and clear."],
    ["structured.ts", 'so far: {"title":"Pancakes","minutes":20,"steps":["Whisk flour,"]}'],
    ["structured.ts", "final: Pancakes, vegan: not said"],
    ["observability.ts", "callback: cometapi/gpt-4o-mini 32 tokens, $0.000014"],
    ["observability.ts", "name: 'chat gpt-4o-mini'"],
  ])("%s", async (name, expected) => {
    expect(await example(name)).toContain(expected);
  });
});
