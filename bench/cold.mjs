// A cold start: a new process that imports a client library and makes one completion.
// Usage: node bench/cold.mjs <client> <server origin>
const [clientName, origin] = process.argv.slice(2);
const { createClient } = await import(`./clients/${clientName}.mjs`);
const client = await createClient(origin);
await client.complete();
process.exit(0);
