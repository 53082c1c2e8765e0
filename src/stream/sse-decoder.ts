/**
 * Bytes -> server-sent events, as the WHATWG spec parses them (LF, CR or CRLF line ends,
 * comments, `event:` and `id:` fields, several `data:` lines joined), through eventsource-parser.
 */
import { createParser, type EventSourceMessage } from "eventsource-parser";

/** Feeds byte chunks in; calls `onEvent` for each complete event, in order. */
export interface SSEDecoder {
  /** Decodes one network read. A UTF-8 character split between reads is held until completed. */
  feed(bytes: Uint8Array): void;
  /** The body ended: dispatches a last event that lacked its closing blank line. */
  end(): void;
}

/** Some servers never send a blank line after their last event; one past this size is a bug. */
const MAX_EVENT_BYTES = 16 * 1024 * 1024;

/** Creates a decoder for one stream; the callbacks are made once per stream, not per event. */
export function createSSEDecoder(onEvent: (message: EventSourceMessage) => void): SSEDecoder {
  const text = new TextDecoder("utf-8");
  const parser = createParser({
    onEvent,
    maxBufferSize: MAX_EVENT_BYTES,
    onError: (error) => {
      // Unknown fields are ignored, as the spec says; an event past the size limit is fatal.
      if (error.type === "max-buffer-size-exceeded") throw error;
    },
  });
  return {
    feed(bytes) {
      parser.feed(text.decode(bytes, { stream: true }));
    },
    end() {
      // A last event without its blank line still counts: the body ended cleanly.
      parser.feed(`${text.decode()}\n\n`);
    },
  };
}
