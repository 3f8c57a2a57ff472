/** A read model's rows, paged, with the API's filters (`column=value`, `order=-column`). */
import { useState } from 'preact/hooks';
import { pathOf } from '../api.js';
import { ErrorBox, Panel, useApi } from '../ui.js';

const LIMIT = 50;

export function ProjectionRows({ name }: { name: string }) {
  const [filter, setFilter] = useState('');
  const [applied, setApplied] = useState('');
  const [offset, setOffset] = useState(0);
  const query = new URLSearchParams(applied);
  query.set('limit', String(LIMIT));
  query.set('offset', String(offset));
  const { data, error } = useApi<{ rows: Record<string, unknown>[] }>(`/projections/${pathOf(name)}?${query.toString()}`);
  const rows = data?.rows ?? [];
  const columns = [...new Set(rows.flatMap((r) => Object.keys(r)))];
  return (
    <Panel
      title={`Rows of ${name}`}
      actions={
        <form
          class="toolbar"
          onSubmit={(e) => {
            e.preventDefault();
            setOffset(0);
            setApplied(filter.trim());
          }}
        >
          <input
            name="filter"
            placeholder="status=active&order=-created_at"
            value={filter}
            onInput={(e) => setFilter((e.target as HTMLInputElement).value)}
          />
          <button type="submit">Filter</button>
        </form>
      }
    >
      <ErrorBox error={error} />
      <div class="scroll-x">
        <table class="rows">
          <thead>
            <tr>
              {columns.map((c) => (
                <th>{c}</th>
              ))}
            </tr>
          </thead>
          <tbody>
            {rows.map((r) => (
              <tr>
                {columns.map((c) => (
                  <td>
                    {typeof r[c] === 'object' && r[c] !== null
                      ? JSON.stringify(r[c])
                      : String((r[c] as string | number | boolean | null | undefined) ?? '')}
                  </td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <div class="pager">
        <button onClick={() => setOffset(Math.max(0, offset - LIMIT))} disabled={offset === 0}>
          ‹ previous
        </button>
        <span>
          rows {rows.length === 0 ? 0 : offset + 1}–{offset + rows.length}
        </span>
        <button onClick={() => setOffset(offset + LIMIT)} disabled={rows.length < LIMIT}>
          next ›
        </button>
      </div>
    </Panel>
  );
}
