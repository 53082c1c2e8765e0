/**
 * Real `redis-server` processes for tests: one server, or a three-master Redis Cluster, each a
 * child process of the test on a free loopback port with no persistence, stopped by its pid.
 * Never a system service. Where `redis-server` is not installed the Redis tests are skipped with
 * one line saying how to install it; under `CI` they fail instead, so CI always runs them.
 */
import { type ChildProcess, execFile, spawn } from "node:child_process";
import { accessSync, constants, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { delimiter, join } from "node:path";
import { describe, it } from "vitest";

const INSTALL_COMMAND = "apt-get update && apt-get install -y redis-server";
const HOST = "127.0.0.1";
/** From spawn to "Ready to accept connections": ~10 ms here; the bound is for a loaded CI box. */
const START_TIMEOUT_MS = 10_000;
/** How long `stop()` waits after SIGTERM before SIGKILL. */
const STOP_GRACE_MS = 3_000;
const CLUSTER_TIMEOUT_MS = 15_000;
const START_ATTEMPTS = 5;

/** Whether an executable `redis-server` is on PATH. */
export function redisAvailable(): boolean {
  return onPath("redis-server");
}

function onPath(command: string): boolean {
  for (const directory of (process.env.PATH ?? "").split(delimiter)) {
    if (directory === "") continue;
    try {
      accessSync(join(directory, command), constants.X_OK);
      return true;
    } catch {}
  }
  return false;
}

function isCI(): boolean {
  const ci = process.env.CI;
  return ci !== undefined && ci !== "" && ci !== "0" && ci !== "false";
}

/** `describe` for tests that need a `redis-server` (see {@link describeWithRedis}). */
export type DescribeRedis = (name: string, factory: () => void) => void;

let skipNoticeShown = false;

/**
 * Returns `describe` when `redis-server` is installed. When it is not, the returned function
 * registers its suites as skipped and the test file prints one line saying how to install it;
 * under `CI` each suite instead gets a failing test with that message, so CI cannot pass
 * without having run the Redis tests.
 *
 * @example
 * const describeRedis = describeWithRedis();
 * describeRedis("Router on Redis", () => { ... });
 */
export function describeWithRedis(): DescribeRedis {
  if (redisAvailable()) return describe;
  if (isCI()) {
    const message = `redis-server is not installed and CI is set, so the Redis tests fail instead of being skipped; install it with: ${INSTALL_COMMAND}`;
    return (name, factory) => {
      describe(name, () => {
        it("needs redis-server", () => {
          throw new Error(message);
        });
        describe.skip("without redis-server", factory);
      });
    };
  }
  // vitest's default reporter lists neither skipped suites nor their names, only counts; a
  // warning at load is the one line that shows.
  if (!skipNoticeShown) {
    skipNoticeShown = true;
    console.warn(
      `Redis tests skipped: redis-server is not installed (install it with: ${INSTALL_COMMAND}).`,
    );
  }
  return describe.skip;
}

/** A `redis-server` child process on 127.0.0.1. */
export interface RedisProcess {
  readonly port: number;
  /** `redis://127.0.0.1:PORT` */
  readonly url: string;
  /** The current server's pid (a new one after `restart()`). */
  readonly pid: number;
  /** SIGTERM, then SIGKILL if it has not exited after a grace period; resolves once it exited. */
  stop(): Promise<void>;
  /** SIGKILL at once (Redis dying mid-run); resolves once it exited. */
  kill(): Promise<void>;
  /** Starts it again on the same port (stopping it first if it runs); resolves once ready. */
  restart(): Promise<void>;
}

export interface StartRedisOptions {
  /** @default a free loopback port */
  port?: number;
}

/**
 * Starts `redis-server` (no persistence, loopback only, in a temporary directory) and resolves
 * once it accepts connections; rejects with the server's output when it does not start.
 *
 * @example
 * const redis = await startRedis();
 * const client = createClient({ url: redis.url });
 * // ...
 * await redis.stop();
 */
export function startRedis(options: StartRedisOptions = {}): Promise<RedisProcess> {
  return launch(options.port, () => Promise.resolve({}));
}

/** A three-master Redis Cluster of `redis-server` child processes, all slots assigned. */
export interface RedisClusterProcess {
  readonly nodes: readonly { readonly host: string; readonly port: number }[];
  /** For node-redis: `createCluster({ rootNodes: cluster.rootNodes })`. */
  readonly rootNodes: readonly { readonly url: string }[];
  /** Stops every node (as {@link RedisProcess.stop}). */
  stop(): Promise<void>;
}

/**
 * Starts three cluster-enabled `redis-server`s, joins them with `redis-cli --cluster create`
 * (no replicas), and resolves once every node reports `cluster_state:ok`.
 *
 * @example
 * const cluster = await startRedisCluster();
 * const client = createCluster({ rootNodes: [...cluster.rootNodes] });
 */
export async function startRedisCluster(): Promise<RedisClusterProcess> {
  if (redisAvailable() && !onPath("redis-cli")) {
    throw new Error(
      `redis-cli is not installed (it creates the cluster); install it with: ${INSTALL_COMMAND}`,
    );
  }
  const started = await Promise.allSettled(
    [0, 1, 2].map(() =>
      launch(undefined, async (port, directory) => ({
        "cluster-enabled": "yes",
        "cluster-config-file": join(directory, `nodes-${port}.conf`),
        "cluster-node-timeout": "2000",
        // The default bus port, port + 10000, is past 65535 for most ephemeral ports.
        "cluster-port": String(await freePort()),
      })),
    ),
  );
  const servers = started.flatMap((result) =>
    result.status === "fulfilled" ? [result.value] : [],
  );
  const stop = async () => {
    await Promise.all(servers.map((server) => server.stop()));
  };
  try {
    const failure = started.find((result) => result.status === "rejected");
    if (failure) throw failure.reason;
    const addresses = servers.map((server) => `${HOST}:${server.port}`);
    await redisCli([
      "--cluster",
      "create",
      ...addresses,
      "--cluster-replicas",
      "0",
      "--cluster-yes",
    ]);
    await Promise.all(servers.map((server) => waitForClusterOk(server.port)));
  } catch (error) {
    await stop();
    throw error;
  }
  return {
    nodes: servers.map((server) => ({ host: HOST, port: server.port })),
    rootNodes: servers.map((server) => ({ url: server.url })),
    stop,
  };
}

async function waitForClusterOk(port: number): Promise<void> {
  const deadline = Date.now() + CLUSTER_TIMEOUT_MS;
  let info = "";
  while (Date.now() < deadline) {
    info = await redisCli(["-h", HOST, "-p", String(port), "cluster", "info"]);
    if (/^cluster_state:ok\r?$/m.test(info)) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(
    `The Redis Cluster node on port ${port} did not reach cluster_state:ok within ${CLUSTER_TIMEOUT_MS} ms; CLUSTER INFO said:\n${info}`,
  );
}

function redisCli(args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile("redis-cli", args, { timeout: CLUSTER_TIMEOUT_MS }, (error, stdout, stderr) => {
      if (error) {
        reject(
          new Error(`redis-cli ${args.join(" ")} failed:\n${stdout}${stderr}`, { cause: error }),
        );
      } else {
        resolve(stdout);
      }
    });
  });
}

/** Settings beyond the ones every test server has, as `redis.conf` names and values. */
type ExtraSettings = (port: number, directory: string) => Promise<Record<string, string>>;

async function launch(
  fixedPort: number | undefined,
  extraSettings: ExtraSettings,
): Promise<RedisProcess> {
  if (!redisAvailable()) {
    throw new Error(
      `redis-server is not installed (no redis-server on PATH); install it with: ${INSTALL_COMMAND}`,
    );
  }
  const directory = mkdtempSync(join(tmpdir(), "llmux-redis-"));
  directories.add(directory);
  for (let attempt = 1; ; attempt++) {
    const port = fixedPort ?? (await freePort());
    const settings: Record<string, string> = {
      port: String(port),
      bind: HOST,
      save: "",
      appendonly: "no",
      "protected-mode": "no",
      daemonize: "no",
      // Tests stall the server with DEBUG SLEEP; only from this machine.
      "enable-debug-command": "local",
      dir: directory,
      ...(await extraSettings(port, directory)),
    };
    const args = Object.entries(settings).flatMap(([name, value]) => [`--${name}`, value]);
    try {
      return createRedisProcess(port, directory, args, await spawnReady(args));
    } catch (error) {
      // Another process can take a free port between our probe closing it and Redis binding it.
      const portTaken =
        error instanceof RedisStartError && /address already in use/i.test(error.output);
      if (fixedPort !== undefined || !portTaken || attempt === START_ATTEMPTS) {
        removeDirectory(directory);
        throw error;
      }
    }
  }
}

function createRedisProcess(
  port: number,
  directory: string,
  args: string[],
  first: ChildProcess,
): RedisProcess {
  let child = first;
  return {
    port,
    url: `redis://${HOST}:${port}`,
    get pid() {
      return child.pid!;
    },
    async stop() {
      await terminate(child);
      removeDirectory(directory);
    },
    async kill() {
      signal(child, "SIGKILL");
      await exited(child);
    },
    async restart() {
      await terminate(child);
      mkdirSync(directory, { recursive: true });
      directories.add(directory);
      child = await spawnReady(args);
    },
  };
}

class RedisStartError extends Error {
  override readonly name = "RedisStartError";
  readonly output: string;
  constructor(message: string, output: string, options?: ErrorOptions) {
    super(`${message}; its output:\n${output}`, options);
    this.output = output;
  }
}

function spawnReady(args: string[]): Promise<ChildProcess> {
  const child = spawn("redis-server", args, { stdio: ["ignore", "pipe", "pipe"] });
  running.add(child);
  registerCleanup();
  child.once("exit", () => running.delete(child));
  const description = `redis-server ${args.join(" ")}`;
  return new Promise((resolve, reject) => {
    let output = "";
    let settled = false;
    const settle = (error?: Error) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      child.off("exit", onExit);
      if (error) reject(error);
      else resolve(child);
    };
    const onData = (data: Buffer) => {
      if (settled) return; // keep draining the pipes, but the output is only for start errors
      output += data.toString("utf8");
      if (output.includes("Ready to accept connections")) settle();
    };
    const onExit = (code: number | null, signalName: NodeJS.Signals | null) => {
      settle(
        new RedisStartError(
          `${description} exited (${signalName ?? code}) before it was ready`,
          output,
        ),
      );
    };
    const timer = setTimeout(() => {
      signal(child, "SIGKILL");
      settle(
        new RedisStartError(`${description} was not ready within ${START_TIMEOUT_MS} ms`, output),
      );
    }, START_TIMEOUT_MS);
    child.stdout?.on("data", onData);
    child.stderr?.on("data", onData);
    child.once("exit", onExit);
    child.once("error", (error) =>
      settle(new RedisStartError(`${description} failed`, output, { cause: error })),
    );
  });
}

async function terminate(child: ChildProcess): Promise<void> {
  if (hasExited(child)) return;
  const timer = setTimeout(() => signal(child, "SIGKILL"), STOP_GRACE_MS);
  signal(child, "SIGTERM");
  await exited(child);
  clearTimeout(timer);
}

function hasExited(child: ChildProcess): boolean {
  return child.exitCode !== null || child.signalCode !== null || child.pid === undefined;
}

function exited(child: ChildProcess): Promise<void> {
  if (hasExited(child)) return Promise.resolve();
  return new Promise((resolve) => child.once("exit", () => resolve()));
}

function signal(child: ChildProcess, name: NodeJS.Signals): void {
  if (hasExited(child) || child.pid === undefined) return;
  try {
    process.kill(child.pid, name);
  } catch {} // it exited between the check and the signal
}

/** A port nothing listens on now: the kernel picks one for a throwaway listener. */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen({ port: 0, host: HOST }, () => {
      const address = server.address();
      server.close(() => {
        if (address !== null && typeof address === "object") resolve(address.port);
        else reject(new Error(`Unexpected listener address ${String(address)}`));
      });
    });
  });
}

const running = new Set<ChildProcess>();
const directories = new Set<string>();

function removeDirectory(directory: string): void {
  directories.delete(directory);
  rmSync(directory, { recursive: true, force: true });
}

function killEverything(): void {
  for (const child of running) signal(child, "SIGKILL");
  running.clear();
  for (const directory of directories) {
    try {
      removeDirectory(directory);
    } catch {} // a server not yet dead of its SIGKILL may still write into it; it is only /tmp
  }
}

let cleanupRegistered = false;

/**
 * No server outlives the test process. vitest ends a worker with SIGTERM, and a process killed
 * by a signal runs no "exit" listeners, so SIGTERM, SIGINT and SIGHUP are caught too, and then
 * raised again once there is no other listener, so the process still dies of them.
 */
function registerCleanup(): void {
  if (cleanupRegistered) return;
  cleanupRegistered = true;
  process.once("exit", killEverything);
  for (const name of ["SIGTERM", "SIGINT", "SIGHUP"] as const) {
    process.once(name, () => {
      killEverything();
      if (process.listenerCount(name) === 0) process.kill(process.pid, name);
    });
  }
}
