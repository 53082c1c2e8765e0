/**
 * Driving a `Dispatcher` of undici 6, which calls the legacy handler methods (`onConnect`,
 * `onHeaders`, `onData`, ...) with an `abort` function and a `resume` callback instead of
 * undici 7's controller.
 */
import type { Dispatcher } from "undici";

/** The controller undici 7 hands a handler, made from what an undici 6 dispatcher gives. */
export class LegacyController implements Dispatcher.DispatchController {
  #abort: (reason?: Error) => void;
  #aborted = false;
  #paused = false;
  #reason: Error | null = null;
  resumeReading: (() => void) | undefined;

  constructor(abort: (reason?: Error) => void) {
    this.#abort = abort;
  }

  get aborted(): boolean {
    return this.#aborted;
  }

  get paused(): boolean {
    return this.#paused;
  }

  get reason(): Error | null {
    return this.#reason;
  }

  abort(reason: Error): void {
    if (this.#aborted) return;
    this.#aborted = true;
    this.#reason = reason;
    this.#abort(reason);
  }

  pause(): void {
    this.#paused = true;
  }

  resume(): void {
    if (!this.#paused) return;
    this.#paused = false;
    this.resumeReading?.();
  }
}

/** Raw headers (`[name, value, name, value, ...]`, as buffers or strings) as one string per name. */
export function parseRawHeaders(raw: readonly (Buffer | string)[]): Record<string, string> {
  const headers: Record<string, string> = {};
  for (let index = 0; index + 1 < raw.length; index += 2) {
    const name = String(raw[index]).toLowerCase();
    const value = String(raw[index + 1]);
    const previous = headers[name];
    headers[name] = previous === undefined ? value : `${previous}, ${value}`;
  }
  return headers;
}
