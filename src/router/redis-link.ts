/**
 * The Router's connection to Redis, whatever it is: a client llmux made from a URL, or a
 * node-redis client or cluster client the caller made. Commands go to the node that holds a
 * key's slot; nothing waits in an offline queue (a Router never waits for Redis).
 */
import { loadRedis } from "./load-redis.js";

/**
 * What llmux uses of a node-redis client (`createClient()`) or cluster client
 * (`createCluster()`): pass one you made as the Router's `redis`.
 */
export interface RedisClientLike {
  readonly isReady: boolean;
  sendCommand(...args: never[]): Promise<unknown>;
  close(): Promise<void>;
}

/** One way to send commands to the Redis (or the Redis Cluster) that holds the state. */
export interface RedisLink {
  /** Connected and ready: a command sent now is not queued. */
  readonly ready: boolean;
  /** Why the link can never work (node-redis is not installed); undefined otherwise. */
  readonly fatal: unknown;
  /**
   * Resolves when the first connection attempt has an outcome: ready, or failed (at once for a
   * client that is already connected).
   */
  readonly firstReady: Promise<void>;
  /** Sends `args` to the node that holds `key`. */
  send(key: string, args: string[]): Promise<unknown>;
  /** Ends the connection if llmux made it; leaves a caller's client open. */
  close(): Promise<void>;
}

const isCluster = (client: RedisClientLike) => "getNodeClientForKey" in client;

/** A link over a client (or cluster client) the caller made and keeps. */
export function linkToClient(client: RedisClientLike): RedisLink {
  // node-redis's two sendCommand signatures: (args) for a client, (key, readonly, args) for a cluster.
  const send = isCluster(client)
    ? (key: string, args: string[]) =>
        (
          client.sendCommand as (key: string, readonly: boolean, args: string[]) => Promise<unknown>
        )(key, false, args)
    : (_key: string, args: string[]) =>
        (client.sendCommand as (args: string[]) => Promise<unknown>)(args);
  return {
    get ready() {
      return client.isReady;
    },
    fatal: undefined,
    firstReady: Promise.resolve(),
    send,
    close: async () => {},
  };
}

/**
 * A link over a client llmux makes from `url`, connecting (and reconnecting) in the background.
 * `onError` hears every connection error; the link is usable at once (not ready until connected).
 */
export function linkToUrl(url: string, onError: (error: unknown) => void): RedisLink {
  let link: RedisLink | undefined;
  let client: { close(): Promise<void>; destroy(): void; isOpen: boolean } | undefined;
  let closed = false;
  let fatal: unknown;
  let onReady: () => void = () => {};
  const firstReady = new Promise<void>((resolve) => {
    onReady = resolve;
  });
  const loading = loadRedis().then(({ createClient }) => {
    if (closed) return;
    const made = createClient({
      url,
      disableOfflineQueue: true,
      // No per-command timer of node-redis's own (an AbortSignal.timeout per command, ~5 us):
      // the router bounds the one command on a call's path itself.
      commandOptions: { timeout: 0 },
      socket: {
        connectTimeout: 2_000,
        reconnectStrategy: (retries: number) => Math.min(50 * 2 ** retries, 2_000),
      },
    });
    made.on("error", (error: unknown) => {
      onReady(); // refused: no use waiting for it
      onError(error);
    });
    made.once("ready", onReady);
    made.connect().catch(onError);
    client = made;
    link = linkToClient(made as unknown as RedisClientLike);
  });
  loading.catch((error: unknown) => {
    fatal = error;
    onReady();
  });
  return {
    get ready() {
      return link?.ready ?? false;
    },
    get fatal() {
      return fatal;
    },
    firstReady,
    send: async (key, args) => {
      await loading;
      if (link === undefined) throw new Error("the Redis client is closed");
      return link.send(key, args);
    },
    close: async () => {
      closed = true;
      await loading.catch(() => {});
      if (client?.isOpen) await client.close().catch(() => client?.destroy());
      else client?.destroy();
    },
  };
}
