/**
 * The provider adapter interface. An adapter says where a provider lives, how it is
 * authenticated, and how its HTTP API differs from OpenAI's shape; the facade, transport,
 * retries, streaming and errors are shared by all adapters.
 *
 * Methods named `do*` are implemented by adapters and called by llmux, never by users.
 * An OpenAI-compatible provider needs none of them written by hand: see
 * `createOpenAICompatibleProvider`.
 */

/** Which API a request is for. */
export type Endpoint = "chat" | "embeddings" | "images" | "models";

/** What llmux asks an adapter to turn into an HTTP request. */
export interface ProviderRequestInput {
  /** The API being called. */
  endpoint: Endpoint;
  /** The model id without the provider prefix (`gpt-5` for `cometapi/gpt-5`); empty for `models`. */
  model: string;
  /** The resolved base URL, normalized (version segment present, no trailing `/`). */
  apiBase: string;
  /** The resolved key, or undefined where the provider's key is optional and none was given. */
  apiKey: string | undefined;
  /**
   * The JSON body in OpenAI's shape (model, wire parameters, `extraBody` merged last), or
   * undefined for a `GET`. The adapter may return it as it is.
   */
  body: Record<string, unknown> | undefined;
}

/** The HTTP request an adapter wants sent. llmux adds `user-agent` and the caller's headers. */
export interface ProviderRequest {
  method: "GET" | "POST";
  /** Absolute URL. */
  url: string;
  /** Headers the provider needs: authentication, content type. Lower-case names. */
  headers: Record<string, string>;
  /** The JSON body, or undefined for a `GET`. */
  body: Record<string, unknown> | undefined;
}

/** A provider adapter: one object, registered under its `id`. */
export interface ProviderAdapter {
  /** The model prefix before the first `/`: `cometapi` for `cometapi/gpt-5`. */
  readonly id: string;
  /** Environment variables that hold the API key, looked up in this order after `apiKey`. */
  readonly apiKeyEnv: readonly string[];
  /** Whether a call without a key fails with `AuthenticationError` before any request. */
  readonly apiKeyRequired: boolean;
  /** Environment variables that hold the base URL, looked up in this order after `apiBase`. */
  readonly apiBaseEnv: readonly string[];
  /** The base URL when neither `apiBase` nor a variable gives one; undefined makes `apiBase` required. */
  readonly defaultApiBase: string | undefined;
  /**
   * How `apiBase` is read: `"versioned"` (OpenAI's style: a base with no version segment gets
   * `/v1`), or `"root"` (the API's root, used as given: the adapter's endpoint paths carry their
   * version; see {@link joinVersionedPath}).
   * @default "versioned"
   */
  readonly apiBaseStyle?: "versioned" | "root" | undefined;
  /**
   * The wire parameters (snake_case keys) this provider can honour, per endpoint. A call that
   * gives another is a `BadRequestError` naming it and the provider, before any request, never
   * a parameter silently dropped. Undefined (or an endpoint left out): every parameter passes.
   */
  readonly supportedParams?: Partial<Record<Endpoint, ReadonlySet<string>>> | undefined;
  /** Turns a call into the HTTP request to send. */
  doBuildRequest(input: ProviderRequestInput): ProviderRequest;
  /**
   * Maps a parsed 2xx JSON body of `endpoint` into OpenAI's shape, in place or as a new object.
   * Called once per response: for `chat`, a `chat.completion`; never for a stream chunk. A
   * failure reported inside a 2xx (a prompt the provider blocked) is returned as OpenAI's
   * `{ error: { message, type, code, status } }`: llmux throws it as the class of its `status`
   * (or `code`, or `type`), with the call's facts.
   */
  doMapResponse(
    endpoint: Endpoint,
    body: Record<string, unknown>,
    /** The model id the call asked for (some answers do not name theirs). */
    model: string,
    /**
     * The call's body in OpenAI's shape, as `doBuildRequest` got it (what the answer was asked
     * for: Anthropic's answer to a `response_format` comes as a tool call, say). Undefined for a
     * `GET`.
     */
    request?: Readonly<Record<string, unknown>> | undefined,
  ): Record<string, unknown>;
  /**
   * Maps one parsed stream chunk into OpenAI's `chat.completion.chunk` shape, in place.
   * Called for every chunk, so it must do the least work. Not needed with
   * `doCreateStreamMapper`; without either, a chunk is taken as it came.
   */
  doMapChunk?(chunk: Record<string, unknown>): Record<string, unknown>;
  /**
   * For a protocol whose stream events are not OpenAI chunks (Anthropic's `message_start`,
   * `content_block_delta`, ...): makes the mapper of one stream. It gets each event's parsed
   * JSON and its `event:` name, keeps what it needs between events, and returns the OpenAI
   * chunks it makes (none, one or several). When absent, `doMapChunk` maps each event.
   */
  doCreateStreamMapper?(input: StreamMapperInput): StreamMapper;
}

/** What a stream mapper knows of its call. */
export interface StreamMapperInput {
  /** The model id without the provider prefix. */
  readonly model: string;
  /** Whether the caller wants a last usage-only chunk (`stream_options.include_usage`). */
  readonly includeUsage: boolean;
  /** How many choices the call asked for (`n`, 1 by default). */
  readonly choices: number;
  /** The call's body in OpenAI's shape, as `doBuildRequest` got it. */
  readonly request: Readonly<Record<string, unknown>>;
}

/** Maps one provider stream event to the OpenAI chunks it makes. */
export type StreamMapper = (
  data: Record<string, unknown>,
  event: string | undefined,
) => readonly Record<string, unknown>[];

/**
 * `base` + `/version` + `path`, without doubling the version where the base already ends in it:
 * `https://api.anthropic.com` and `https://api.anthropic.com/v1` both give
 * `https://api.anthropic.com/v1/messages` for `("v1", "/messages")`.
 */
export function joinVersionedPath(base: string, version: string, path: string): string {
  return base.endsWith(`/${version}`) ? base + path : `${base}/${version}${path}`;
}
