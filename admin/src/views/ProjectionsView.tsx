/**
 * Projections: status, lag, checkpoint, row count and rebuild with live progress, from
 * GET /projections; fields this page does not know (partitions, parked events…) are shown
 * as they come. Selecting one browses its rows with the API's filters.
 */
import { useEffect, useState } from 'preact/hooks';
import { api, pathOf } from '../api.js';
import { href } from '../nav.js';
import { ErrorBox, Json, Panel, useApi } from '../ui.js';
import { ProjectionRows } from './ProjectionRows.js';

interface Rebuild {
  status: string;
  done?: number;
  total?: number;
  events?: number;
  duration_ms?: number;
  error?: string;
}

interface Projection {
  name: string;
  table?: string;
  mode?: string;
  enabled?: boolean;
  checkpoint?: number;
  lag?: number;
  worker?: string;
  error?: string;
  rebuild?: Rebuild;
  /** Async projections: each partition's checkpoint, owner (host:pid:id) and lag. */
  partitions?: { partition: number; checkpoint: number; owner: string | null; lag: number }[];
  [more: string]: unknown;
}

const KNOWN = new Set(['name', 'table', 'joins', 'mode', 'enabled', 'checkpoint', 'lag', 'worker', 'error', 'rebuild', 'partitions']);

export function ProjectionsView({ name }: { name: string | undefined }) {
  const [fast, setFast] = useState(false);
  const list = useApi<{ projections: Projection[] }>('/projections', fast ? 250 : 2000);
  const [counts, setCounts] = useState<Record<string, number>>({});
  const [error, setError] = useState<unknown>(undefined);
  const projections = list.data?.projections ?? [];
  const running = projections.some((p) => p.rebuild?.status === 'running');
  useEffect(() => setFast(running), [running]);
  const names = projections.map((p) => p.name).join(',');
  useEffect(() => {
    for (const p of projections) {
      api<{ rows: number }>(`/admin/api/projections/${pathOf(p.name)}/count`).then(
        (r) => setCounts((c) => ({ ...c, [p.name]: r.rows })),
        () => undefined,
      );
    }
  }, [names, list.data]);
  const rebuild = async (p: string) => {
    try {
      setFast(true);
      await api(`/projections/${pathOf(p)}/rebuild`, { method: 'POST' });
      list.reload();
    } catch (e) {
      setError(e);
    }
  };
  return (
    <div>
      <h1>Projections</h1>
      <ErrorBox error={error ?? list.error} />
      <Panel title={`${projections.length} projections`}>
        <table class="projections">
          <thead>
            <tr>
              <th>Name</th>
              <th>Mode</th>
              <th>Checkpoint</th>
              <th>Lag</th>
              <th>Rows</th>
              <th>Worker</th>
              <th>Rebuild</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {projections.map((p) => (
              <tr data-projection={p.name} class={name === p.name ? 'selected' : ''}>
                <td>
                  <a href={href('projections', p.name)}>{p.name}</a>
                  <div class="muted mono">{p.table}</div>
                </td>
                <td>
                  {p.mode}
                  {p.enabled === false ? ' (disabled)' : ''}
                </td>
                <td>
                  {p.checkpoint ?? '—'}
                  {p.partitions !== undefined && p.partitions.length > 1 ? (
                    <ul class="partitions small">
                      {p.partitions.map((x) => (
                        <li data-testid="partition" data-partition={x.partition}>
                          #{x.partition}: {x.checkpoint}, lag {x.lag}, <span class="mono">{x.owner ?? 'unowned'}</span>
                        </li>
                      ))}
                    </ul>
                  ) : null}
                </td>
                <td class={(p.lag ?? 0) > 0 ? 'warn' : ''}>{p.lag ?? '—'}</td>
                <td data-testid="row-count">{counts[p.name] ?? '…'}</td>
                <td>
                  {p.worker ?? '—'}
                  {p.error !== undefined ? <div class="error small">{p.error}</div> : null}
                </td>
                <td class="rebuild-cell">
                  <RebuildProgress rebuild={p.rebuild} />
                </td>
                <td>
                  <button name="rebuild" disabled={p.rebuild?.status === 'running'} onClick={() => void rebuild(p.name)}>
                    Rebuild
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
        {projections.map((p) => {
          const extra = Object.fromEntries(Object.entries(p).filter(([k]) => !KNOWN.has(k)));
          return Object.keys(extra).length === 0 ? null : (
            <details class="extra">
              <summary>
                {p.name}: {Object.keys(extra).join(', ')}
              </summary>
              <Json value={extra} />
            </details>
          );
        })}
      </Panel>
      {name !== undefined ? <ProjectionRows key={name} name={name} /> : null}
    </div>
  );
}

/** A progress bar for a running rebuild; the outcome of the last one otherwise. */
function RebuildProgress({ rebuild }: { rebuild: Rebuild | undefined }) {
  if (rebuild === undefined || rebuild.status === 'none') return <span class="muted">—</span>;
  const percent =
    rebuild.status === 'completed'
      ? 100
      : rebuild.status === 'running'
        ? Math.floor(((rebuild.done ?? 0) / Math.max(1, rebuild.total ?? 0)) * 100)
        : 0;
  return (
    <div class={`progress ${rebuild.status}`} data-testid="rebuild-progress" data-status={rebuild.status} data-percent={percent}>
      <div class="bar" style={{ width: `${percent}%` }} />
      <span>
        {rebuild.status === 'failed' ? `failed: ${rebuild.error ?? ''}` : `${percent}%`}
        {rebuild.status === 'completed' ? ` · ${rebuild.events ?? 0} events in ${rebuild.duration_ms ?? 0} ms` : ''}
        {rebuild.status === 'running' ? ` · ${rebuild.done ?? 0}/${rebuild.total ?? 0}` : ''}
      </span>
    </div>
  );
}
