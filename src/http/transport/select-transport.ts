/** Which transport a call uses: the caller's `fetch`, else undici on the caller's `Dispatcher`, else undici on the shared agent. */
import type { Dispatcher } from "undici";
import type { FetchFunction } from "../../params/schemas.js";
import { createFetchTransport } from "./fetch-transport.js";
import type { Transport } from "./transport.js";
import { createUndiciTransport } from "./undici-transport.js";

let defaultTransport: Transport | undefined;

/** The transport for a call's `fetch` and `dispatcher` options. */
export function selectTransport(options: {
  fetch?: FetchFunction | undefined;
  dispatcher?: Dispatcher | undefined;
}): Transport {
  if (options.fetch !== undefined) return createFetchTransport(options.fetch);
  if (options.dispatcher !== undefined) return createUndiciTransport(options.dispatcher);
  defaultTransport ??= createUndiciTransport();
  return defaultTransport;
}
