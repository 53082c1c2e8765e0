/**
 * The one place `@opentelemetry/api` (an optional peer dependency) is imported: lazily, the first
 * time a call finds a provider registered, never otherwise.
 */
import type * as OpenTelemetryAPI from "@opentelemetry/api";

/** The API's module, as `import("@opentelemetry/api")` gives it. */
export type OpenTelemetry = typeof OpenTelemetryAPI;
export type { Attributes, Histogram, Meter, Span, Tracer } from "@opentelemetry/api";

/**
 * Where API 1.x keeps its registered providers (`internal/global-utils.js`:
 * `Symbol.for("opentelemetry.js.api.<major>")`, with `trace` / `metrics` set by
 * `setGlobalTracerProvider` / `setGlobalMeterProvider` and deleted by `disable()`). Reading it
 * tells whether a provider is registered without loading the package.
 */
const REGISTRY_KEY = Symbol.for("opentelemetry.js.api.1");

interface Registry {
  readonly trace?: unknown;
  readonly metrics?: unknown;
}

/** Whether a global tracer or meter provider is registered: one property read per call. */
export function hasOpenTelemetryProvider(): boolean {
  const registry = (globalThis as { [REGISTRY_KEY]?: Registry })[REGISTRY_KEY];
  return registry !== undefined && (registry.trace !== undefined || registry.metrics !== undefined);
}

let loading: Promise<OpenTelemetry | undefined> | undefined;

/** The API, loaded once; `undefined` when the package is not installed. */
export function loadOpenTelemetry(): Promise<OpenTelemetry | undefined> {
  loading ??= import("@opentelemetry/api").then(
    (api) => api,
    () => undefined,
  );
  return loading;
}
