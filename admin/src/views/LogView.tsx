/**
 * Global log: a live tail of /events/live (read with fetch, so the token stays in a header),
 * filtered by event type, pausable. Pausing closes the stream; resuming reconnects after the
 * last event shown, so nothing is missed. The newest 500 events are kept.
 */
import { useEffect, useRef, useState } from 'preact/hooks';
import { api, withQuery } from '../api.js';
import { config } from '../model.js';
import { readSse } from '../sse.js';
import { ErrorBox, Panel } from '../ui.js';
import { EventList, type EventJson } from './EventList.js';

const KEEP = 500;
const BACKLOG = 20;

export function LogView() {
  const [types, setTypes] = useState<string[]>([]);
  const [type, setType] = useState('');
  const [paused, setPaused] = useState(false);
  const [events, setEvents] = useState<EventJson[]>([]);
  const [status, setStatus] = useState('connecting');
  const [error, setError] = useState<unknown>(undefined);
  const lastId = useRef<string | undefined>(undefined);
  useEffect(() => {
    config().then((c) => setTypes(Object.keys((c.model.events as Record<string, unknown> | undefined) ?? {})), setError);
  }, []);
  useEffect(() => {
    if (paused) {
      setStatus('paused');
      return undefined;
    }
    const abort = new AbortController();
    let buffer: EventJson[] = [];
    // Messages are rendered once per animation frame: a burst of thousands stays smooth.
    let frame = 0;
    const flush = () => {
      frame = 0;
      const add = buffer;
      buffer = [];
      setEvents((es) => [...add.reverse(), ...es].slice(0, KEEP));
    };
    (async () => {
      let after = lastId.current;
      if (after === undefined) {
        const head = (await api<{ store: { head_position: number } }>('/admin/api/overview')).store.head_position;
        after = String(Math.max(0, head - BACKLOG));
      }
      setStatus('live');
      await readSse(
        withQuery('/events/live', { type }),
        (m) => {
          if (m.id !== undefined) lastId.current = m.id;
          buffer.push(JSON.parse(m.data) as EventJson);
          if (frame === 0) frame = requestAnimationFrame(flush);
        },
        abort.signal,
        after,
      );
      setStatus('ended');
    })().catch((e: unknown) => {
      if (!abort.signal.aborted) {
        setError(e);
        setStatus('error');
      }
    });
    return () => {
      abort.abort();
      if (frame !== 0) cancelAnimationFrame(frame);
    };
  }, [paused, type]);
  return (
    <div>
      <h1>Global log</h1>
      <div class="toolbar">
        <select
          name="type"
          value={type}
          onChange={(e) => {
            lastId.current = undefined;
            setEvents([]);
            setType((e.target as HTMLSelectElement).value);
          }}
        >
          <option value="">all event types</option>
          {types.map((t) => (
            <option value={t}>{t}</option>
          ))}
        </select>
        <button name="pause" onClick={() => setPaused((p) => !p)}>
          {paused ? 'Resume' : 'Pause'}
        </button>
        <span class={`status ${status}`} data-testid="live-status">
          {status}
        </span>
      </div>
      <ErrorBox error={error} />
      <Panel title={`${events.length} events (newest first)`}>
        <div data-testid="live-events">
          <EventList events={events} showStream />
        </div>
      </Panel>
    </div>
  );
}
