// `npm run bench`: llmux against the floor (raw undici + eventsource-parser), the OpenAI SDK and
// the Vercel AI SDK, on a local server in its own process. Each measurement is a new client
// process; runs are interleaved across clients; the table shows medians and ratios to the floor.
// Options: --reps N (default 3; 0 runs only the cold starts), --clients raw,llmux,... ,
// --scenarios sequential,... , --cold-runs N (default 21), --no-cold. The router-redis client
// needs redis-server (Debian's package): run.mjs starts one on a free port for it.
import { execFile, spawn } from "node:child_process";
import { once } from "node:events";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { promisify } from "node:util";

const run = promisify(execFile);
const here = import.meta.dirname;
const args = process.argv.slice(2);
const option = (name, fallback) => {
  const index = args.indexOf(`--${name}`);
  return index === -1 ? fallback : args[index + 1];
};
const reps = Number(option("reps", "3"));
const clients = option("clients", "raw,llmux,router,router-redis,openai,ai").split(",");
const scenarios =
  reps > 0
    ? option("scenarios", "sequential,concurrent,one-stream,many-streams,anthropic-stream").split(
        ",",
      )
    : [];
const coldRuns = args.includes("--no-cold") ? 0 : Number(option("cold-runs", "21"));

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
};

const server = spawn(process.execPath, [join(here, "server.mjs")], {
  stdio: ["ignore", "pipe", "inherit"],
});

/** A redis-server of the bench's own, for the router-redis client; none when not installed. */
async function startRedis() {
  const { createServer } = await import("node:net");
  const probe = createServer();
  await new Promise((resolve) => probe.listen(0, "127.0.0.1", resolve));
  const { port } = probe.address();
  await new Promise((resolve) => probe.close(resolve));
  const redis = spawn(
    "redis-server",
    ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
    { stdio: ["ignore", "pipe", "inherit"] },
  );
  const failed = once(redis, "error");
  let output = "";
  for await (const chunk of redis.stdout) {
    output += chunk;
    if (output.includes("Ready to accept connections")) break;
  }
  redis.stdout.resume();
  if (!output.includes("Ready to accept connections")) throw (await failed)[0];
  process.env.BENCH_REDIS_URL = `redis://127.0.0.1:${port}`;
  return redis;
}
let redisServer;
if (clients.includes("router-redis")) {
  try {
    redisServer = await startRedis();
  } catch {
    console.error("redis-server is not installed: leaving out the router-redis client");
    clients.splice(clients.indexOf("router-redis"), 1);
  }
}
const [portLine] = await once(server.stdout, "data");
const origin = `http://127.0.0.1:${String(portLine).trim()}`;

const results = [];
try {
  for (let rep = 1; rep <= reps; rep++) {
    for (const scenario of scenarios) {
      // Rotate the order each repetition, so that no client always runs first or last.
      const order = clients.map((_, index) => clients[(index + rep) % clients.length]);
      for (const client of order) {
        const { stdout } = await run(
          process.execPath,
          [join(here, "client.mjs"), client, scenario, origin],
          {
            maxBuffer: 1 << 20,
          },
        );
        const result = JSON.parse(stdout);
        if (result.skipped) continue;
        results.push(result);
        process.stderr.write(
          `rep ${rep} ${scenario.padEnd(12)} ${client.padEnd(6)} ${result.cpuUsPerOp.toFixed(1).padStart(7)} us/${result.unit}  ${result.peakRssMb.toFixed(0)} MiB\n`,
        );
      }
    }
  }

  const cold = [];
  // The routers' cold start is llmux's plus a Router: not a row of its own.
  const coldClients = clients.filter((client) => !client.startsWith("router"));
  for (let index = 0; index < coldRuns; index++) {
    // Rotated like the scenarios, so that no client always runs first after the server starts.
    const order = coldClients.map(
      (_, offset) => coldClients[(offset + index) % coldClients.length],
    );
    for (const client of order) {
      const started = performance.now();
      await run(process.execPath, [join(here, "cold.mjs"), client, origin]);
      cold.push({ client, ms: performance.now() - started });
    }
  }

  const lines = [];
  lines.push(
    `Node ${process.version}, ${reps} runs per cell (medians), client CPU time per operation; ratio to raw undici.`,
  );
  lines.push("");
  lines.push(`| scenario | ${clients.join(" | ")} |`);
  lines.push(`|---|${clients.map(() => "---").join("|")}|`);
  const summary = {};
  for (const scenario of scenarios) {
    const cells = clients.map((client) => {
      const rows = results.filter((row) => row.client === client && row.scenario === scenario);
      return {
        client,
        cpu: rows.length === 0 ? Number.NaN : median(rows.map((row) => row.cpuUsPerOp)),
        rss: rows.length === 0 ? Number.NaN : median(rows.map((row) => row.peakRssMb)),
        unit: rows[0]?.unit,
      };
    });
    const floor = cells.find((cell) => cell.client === "raw");
    summary[scenario] = cells;
    lines.push(
      `| ${scenario} | ${cells
        .map((cell) => {
          if (Number.isNaN(cell.cpu)) return "-";
          const ratio =
            floor && !Number.isNaN(floor.cpu) ? ` (${(cell.cpu / floor.cpu).toFixed(2)}x)` : "";
          return `${cell.cpu.toFixed(1)} us/${cell.unit}${ratio}`;
        })
        .join(" | ")} |`,
    );
  }
  lines.push("");
  lines.push(`| peak RSS (MiB) | ${clients.join(" | ")} |`);
  lines.push(`|---|${clients.map(() => "---").join("|")}|`);
  for (const scenario of scenarios) {
    lines.push(
      `| ${scenario} | ${summary[scenario].map((cell) => (Number.isNaN(cell.rss) ? "-" : cell.rss.toFixed(0))).join(" | ")} |`,
    );
  }
  if (summary["anthropic-stream"] && summary["one-stream"]) {
    const own = (scenario) => summary[scenario].find((cell) => cell.client === "llmux")?.cpu;
    const ratio = own("anthropic-stream") / own("one-stream");
    if (Number.isFinite(ratio)) {
      lines.push("");
      lines.push(
        `llmux per chunk, Anthropic's protocol against OpenAI's (anthropic-stream / one-stream): ${ratio.toFixed(2)}x`,
      );
    }
  }
  const routed = ["router", "router-redis"].filter((client) => clients.includes(client));
  if (routed.length === 2) {
    lines.push("");
    lines.push(
      "| Router state | CPU per call (sequential) | wall per call (sequential) | CPU per call (64 in flight) | Redis round trips per call |",
    );
    lines.push("|---|---|---|---|---|");
    const cell = (client, scenario, field) =>
      median(
        results
          .filter((row) => row.client === client && row.scenario === scenario)
          .map((row) => (field === "wall" ? (row.wallMs * 1000) / row.ops : row[field])),
      );
    for (const client of routed) {
      const commands = cell(client, "sequential", "redisRoundTripsPerOp");
      lines.push(
        `| ${client === "router" ? "in process" : "on Redis"} | ${cell(client, "sequential", "cpuUsPerOp").toFixed(1)} us | ${cell(client, "sequential", "wall").toFixed(0)} us | ${cell(client, "concurrent", "cpuUsPerOp").toFixed(1)} us | ${Number.isFinite(commands) ? commands.toFixed(2) : "-"} |`,
      );
    }
  }
  const coldLines = [];
  if (coldRuns > 0) {
    const coldMs = coldClients.map((client) =>
      median(cold.filter((row) => row.client === client).map((row) => row.ms)),
    );
    const openaiMs = coldMs[coldClients.indexOf("openai")];
    coldLines.push("");
    coldLines.push(
      `| cold start: new process, import + one completion (median of ${coldRuns}, Node ${process.version}) | ${coldClients.join(" | ")} |`,
    );
    coldLines.push(`|---|${coldClients.map(() => "---").join("|")}|`);
    coldLines.push(`| wall ms | ${coldMs.map((ms) => ms.toFixed(0)).join(" | ")} |`);
    if (openaiMs !== undefined)
      coldLines.push(
        `| ratio to openai | ${coldMs.map((ms) => `${(ms / openaiMs).toFixed(2)}x`).join(" | ")} |`,
      );
  }
  const table = [...(scenarios.length > 0 ? lines : []), ...coldLines].join("\n");
  console.log(`\n${table}`);
  mkdirSync(join(here, "results"), { recursive: true });
  writeFileSync(
    join(here, "results", "latest.json"),
    JSON.stringify({ node: process.version, results, cold }, null, 2),
  );
  writeFileSync(join(here, "results", "latest.md"), `${table}\n`);
} finally {
  server.kill("SIGTERM");
  redisServer?.kill("SIGTERM");
}
