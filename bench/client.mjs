// Runs one scenario with one client in this process and prints what it measured as JSON:
// client CPU time (process.cpuUsage), wall time and peak RSS.
// Usage: node bench/client.mjs <client> <scenario> <server origin>
import { performance } from "node:perf_hooks";

const [clientName, scenarioName, origin] = process.argv.slice(2);
const { createClient } = await import(`./clients/${clientName}.mjs`);
const client = await createClient(origin);
const EXPECTED = "Hello! How can I help you today?";

async function calls(count, inFlight) {
  let next = 0;
  const worker = async () => {
    while (next < count) {
      next++;
      const content = await client.complete();
      if (content !== EXPECTED)
        throw new Error(`${clientName}: unexpected answer ${JSON.stringify(content)}`);
    }
  };
  await Promise.all(Array.from({ length: inFlight }, worker));
  return count;
}

async function streams(count, chunks, inFlight) {
  let next = 0;
  const worker = async () => {
    while (next < count) {
      next++;
      const seen = await client.stream(chunks);
      if (seen !== chunks) throw new Error(`${clientName}: ${seen} chunks of ${chunks}`);
    }
  };
  await Promise.all(Array.from({ length: inFlight }, worker));
  return count * chunks;
}

async function anthropicStreams(count, chunks) {
  for (let index = 0; index < count; index++) {
    const seen = await client.anthropicStream(chunks);
    if (seen !== chunks) throw new Error(`${clientName}: ${seen} chunks of ${chunks}`);
  }
  return count * chunks;
}

const scenarios = {
  sequential: {
    needs: "complete",
    warmup: () => calls(300, 1),
    run: () => calls(Number(process.env.BENCH_CALLS ?? 2000), 1),
    unit: "call",
  },
  concurrent: {
    needs: "complete",
    warmup: () => calls(640, 64),
    run: () => calls(6000, 64),
    unit: "call",
  },
  "one-stream": {
    needs: "stream",
    warmup: () => streams(2, 2000, 1),
    run: () => streams(1, 50_000, 1),
    unit: "chunk",
  },
  // The same stream in Anthropic's Messages protocol, for the clients that speak it.
  "anthropic-stream": {
    warmup: () => anthropicStreams(2, 2000),
    run: () => anthropicStreams(1, 50_000),
    unit: "chunk",
    needs: "anthropicStream",
  },
  "many-streams": {
    needs: "stream",
    warmup: () => streams(32, 500, 16),
    run: () => streams(256, 500, 64),
    unit: "chunk",
  },
};

const scenario = scenarios[scenarioName];
if (!scenario) throw new Error(`unknown scenario ${scenarioName}`);
if (scenario.needs && typeof client[scenario.needs] !== "function") {
  process.stdout.write(
    `${JSON.stringify({ client: clientName, scenario: scenarioName, skipped: true })}\n`,
  );
  process.exit(0);
}
await scenario.warmup();
await client.beforeRun?.();
const cpuBefore = process.cpuUsage();
const wallBefore = performance.now();
const ops = await scenario.run();
const wallMs = performance.now() - wallBefore;
const cpu = process.cpuUsage(cpuBefore);
const report = (await client.afterRun?.(ops)) ?? {};
await client.close();
process.stdout.write(
  `${JSON.stringify({
    client: clientName,
    scenario: scenarioName,
    unit: scenario.unit,
    ops,
    cpuUsPerOp: (cpu.user + cpu.system) / ops,
    wallMs,
    peakRssMb: process.resourceUsage().maxRSS / 1024,
    ...report,
  })}\n`,
);
process.exit(0);
