/**
 * One stream: its events as a timeline (paged by version, so a stream of 100,000 events
 * loads one page at a time), upcast or as stored; its state at any version and a diff between
 * two versions; and the events related to one through correlation and causation ids.
 */
import { useEffect, useState } from 'preact/hooks';
import { aggregatePath, pathOf, withQuery } from '../api.js';
import { diffJson } from '../diff.js';
import { ErrorBox, Json, Panel, useApi } from '../ui.js';
import { EventList, type EventJson } from './EventList.js';
import { Related } from './Related.js';

const PAGE = 50;

interface Loaded {
  version: number;
  state: unknown;
}

export function StreamDetail({ type, id }: { type: string; id: string }) {
  // the version only (no fold): a long stream's first page does not wait for its state
  const head = useApi<{ version: number }>(`/admin/api/streams/${pathOf(type, id)}`);
  const last = head.data?.version ?? 0;
  const [from, setFrom] = useState(1);
  const [raw, setRaw] = useState(false);
  const [related, setRelated] = useState<string | undefined>(undefined);
  const page = useApi<{ events: EventJson[] }>(
    last === 0 ? undefined : withQuery(`${aggregatePath(type, id)}/events`, { from, to: from + PAGE - 1, raw: raw ? 'true' : undefined }),
  );
  // The state waits for the first page: folding a long stream holds the server's thread, and
  // the events are what the view is opened for (issue 19: usable within a second).
  const [shown, setShown] = useState(false);
  useEffect(() => {
    if (page.data !== undefined) setShown(true);
  }, [page.data]);
  const pages = Math.max(1, Math.ceil(last / PAGE));
  const at = Math.floor((from - 1) / PAGE) + 1;
  const goPage = (n: number) => setFrom((Math.min(Math.max(n, 1), pages) - 1) * PAGE + 1);
  return (
    <div class="stream">
      <h2 class="stream-title">
        {type} <span class="mono">{id}</span> <span class="badge">version {last}</span>
      </h2>
      <ErrorBox error={head.error} />
      <div class="split">
        <Panel
          title="Events"
          actions={
            <>
              <label class="toggle">
                <input type="checkbox" name="raw" checked={raw} onChange={(e) => setRaw((e.target as HTMLInputElement).checked)} /> stored
                form
              </label>
              <span class="pager">
                <button onClick={() => goPage(1)} disabled={at <= 1}>
                  «
                </button>
                <button onClick={() => goPage(at - 1)} disabled={at <= 1} aria-label="previous page">
                  ‹
                </button>
                <span data-testid="page">
                  page {at} of {pages}
                </span>
                <button onClick={() => goPage(at + 1)} disabled={at >= pages} aria-label="next page">
                  ›
                </button>
                <button onClick={() => goPage(pages)} disabled={at >= pages}>
                  »
                </button>
              </span>
            </>
          }
        >
          <ErrorBox error={page.error} />
          <EventList events={page.data?.events ?? []} onRelated={setRelated} />
        </Panel>
        <StatePanel type={type} id={id} last={shown ? last : 0} />
      </div>
      {related !== undefined ? <Related id={related} onRelated={setRelated} onClose={() => setRelated(undefined)} /> : null}
    </div>
  );
}

/** The state at a chosen version, stepped with buttons, and a diff against another version. */
function StatePanel({ type, id, last }: { type: string; id: string; last: number }) {
  const [version, setVersion] = useState(last);
  const [compare, setCompare] = useState(Math.max(1, last - 1));
  useEffect(() => {
    setVersion(last);
    setCompare(Math.max(1, last - 1));
  }, [last]);
  const at = useApi<Loaded>(version >= 1 ? withQuery(aggregatePath(type, id), { version }) : undefined);
  const other = useApi<Loaded>(compare >= 1 && compare !== version ? withQuery(aggregatePath(type, id), { version: compare }) : undefined);
  const clamp = (n: number) => Math.min(Math.max(1, n), Math.max(1, last));
  const changes = other.data !== undefined && at.data !== undefined && compare !== version ? diffJson(other.data.state, at.data.state) : [];
  return (
    <Panel
      title="State"
      actions={
        <span class="pager">
          <button onClick={() => setVersion(clamp(version - 1))} disabled={version <= 1} aria-label="previous version">
            ‹
          </button>
          <input
            type="number"
            name="version"
            min={1}
            max={last}
            value={version}
            onChange={(e) => setVersion(clamp(Number((e.target as HTMLInputElement).value)))}
          />
          <button onClick={() => setVersion(clamp(version + 1))} disabled={version >= last} aria-label="next version">
            ›
          </button>
        </span>
      }
    >
      <ErrorBox error={at.error} />
      <div class="muted" data-testid="state-version">
        at version {at.data?.version ?? '…'}
      </div>
      <Json value={at.data?.state} class="state" />
      <h3>
        Diff from version{' '}
        <input
          type="number"
          name="compare"
          min={1}
          max={last}
          value={compare}
          onChange={(e) => setCompare(clamp(Number((e.target as HTMLInputElement).value)))}
        />
      </h3>
      {compare === version ? (
        <p class="muted">choose another version to compare</p>
      ) : changes.length === 0 ? (
        <p class="muted">no difference</p>
      ) : (
        <table class="diff">
          <tbody>
            {changes.map((c) => (
              <tr class={c.kind}>
                <td class="mono">{c.path}</td>
                <td class="before">{c.kind === 'added' ? '' : JSON.stringify(c.before)}</td>
                <td class="after">{c.kind === 'removed' ? '' : JSON.stringify(c.after)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </Panel>
  );
}
