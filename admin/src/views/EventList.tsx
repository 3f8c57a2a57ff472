/** A list of events: one line each, opened to show data and metadata with links to related events. */
import { useState } from 'preact/hooks';
import { href } from '../nav.js';
import type { EventJson } from '../../../src/engine/toEventJson.js';
import { Json, time } from '../ui.js';

export type { EventJson };

/** The events, newest last; `showStream` adds a link to each event's stream. */
export function EventList({
  events,
  onRelated,
  showStream,
}: {
  events: readonly EventJson[];
  onRelated?: (id: string) => void;
  showStream?: boolean;
}) {
  const [open, setOpen] = useState<ReadonlySet<string>>(new Set());
  const toggle = (id: string) =>
    setOpen((s) => {
      const n = new Set(s);
      if (n.has(id)) n.delete(id);
      else n.add(id);
      return n;
    });
  if (events.length === 0) return <p class="muted">no events</p>;
  return (
    <ol class="timeline">
      {events.map((e) => (
        <li key={e.id} class={open.has(e.id) ? 'open' : ''} data-event-type={e.type} data-version={e.version}>
          <div class="line" onClick={() => toggle(e.id)}>
            <span class="v">v{e.version}</span>
            <span class="type">{e.type}</span>
            {e.event_version !== 1 ? <span class="badge">schema {e.event_version}</span> : null}
            {showStream === true && e.aggregate_type.startsWith('$') ? (
              <span class="mono stream-link">
                {e.aggregate_type}/{e.aggregate_id}
              </span>
            ) : showStream === true ? (
              <a class="mono stream-link" href={href('streams', e.aggregate_type, e.aggregate_id)} onClick={(ev) => ev.stopPropagation()}>
                {e.aggregate_type}/{e.aggregate_id}
              </a>
            ) : null}
            <span class="pos">#{e.position}</span>
            <span class="ts">{time(e.timestamp)}</span>
          </div>
          {open.has(e.id) ? (
            <div class="detail">
              <div>
                <h4>data</h4>
                <Json value={e.data} />
              </div>
              <div>
                <h4>metadata</h4>
                <Json value={e.metadata} />
                {onRelated !== undefined ? (
                  <div class="related-links">
                    {(['correlation_id', 'causation_id'] as const).map((k) =>
                      typeof e.metadata[k] === 'string' ? (
                        <button class="link" data-follow={k} onClick={() => onRelated(e.metadata[k] as string)}>
                          follow {k.replace('_id', '')}
                        </button>
                      ) : null,
                    )}
                    <button class="link" data-follow="caused" onClick={() => onRelated(e.id)}>
                      events it caused
                    </button>
                  </div>
                ) : null}
              </div>
            </div>
          ) : null}
        </li>
      ))}
    </ol>
  );
}
