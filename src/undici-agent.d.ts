// undici's own module for `Agent`, loaded alone to keep cold starts short (see undici-transport.ts).
declare module "undici/lib/dispatcher/agent.js" {
  const Agent: typeof import("undici").Agent;
  export default Agent;
}
