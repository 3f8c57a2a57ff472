/** The events whose id, correlation id or causation id is one id, across every stream. */
import { withQuery } from '../api.js';
import { ErrorBox, Panel, useApi } from '../ui.js';
import { EventList, type EventJson } from './EventList.js';

export function Related({ id, onRelated, onClose }: { id: string; onRelated: (id: string) => void; onClose: () => void }) {
  const { data, error } = useApi<{ events: EventJson[] }>(withQuery('/admin/api/related', { id }));
  return (
    <Panel
      title={
        <>
          Related to <span class="mono">{id}</span>
        </>
      }
      actions={
        <button class="secondary" onClick={onClose}>
          Close
        </button>
      }
    >
      <ErrorBox error={error} />
      <div data-testid="related">{data === undefined ? '…' : <EventList events={data.events} onRelated={onRelated} showStream />}</div>
    </Panel>
  );
}
