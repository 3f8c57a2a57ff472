/**
 * Server-sent events over fetch: EventSource cannot send an Authorization header, and the
 * token must never go in a URL, so the page reads the SSE stream itself.
 */
import { authHeaders } from './api.js';
import { parseBlock, type SseMessage } from './sseParse.js';

export type { SseMessage };

/**
 * Reads `url` as an event stream, calling `onMessage` for each message, until `signal` aborts
 * or the server ends the stream. `lastEventId` resumes after that id.
 */
export async function readSse(url: string, onMessage: (m: SseMessage) => void, signal: AbortSignal, lastEventId?: string): Promise<void> {
  const res = await fetch(url, {
    headers: authHeaders({ accept: 'text/event-stream', ...(lastEventId === undefined ? {} : { 'last-event-id': lastEventId }) }),
    signal,
  });
  if (!res.ok || res.body === null) throw new Error(`the live stream answered ${res.status}`);
  const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = '';
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return;
    buffer += value;
    let end: number;
    while ((end = buffer.indexOf('\n\n')) >= 0) {
      const block = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      const m = parseBlock(block);
      if (m !== undefined) onMessage(m);
    }
  }
}
