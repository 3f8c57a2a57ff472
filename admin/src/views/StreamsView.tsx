/** Streams: search by aggregate type and id, then one stream (StreamDetail). */
import { useEffect, useState } from 'preact/hooks';
import { api, withQuery } from '../api.js';
import { config } from '../model.js';
import { go, href } from '../nav.js';
import { ErrorBox, Panel, time } from '../ui.js';
import { StreamDetail } from './StreamDetail.js';

interface StreamRow {
  aggregate_type: string;
  aggregate_id: string;
  version: number;
  created_at: string;
}

export function StreamsView({ type, id }: { type: string | undefined; id: string | undefined }) {
  const [types, setTypes] = useState<string[]>([]);
  const [chosen, setChosen] = useState(type ?? '');
  const [prefix, setPrefix] = useState('');
  const [rows, setRows] = useState<StreamRow[] | undefined>(undefined);
  const [next, setNext] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(undefined);
  useEffect(() => {
    config().then((c) => {
      const names = Object.keys(c.model.aggregates ?? {});
      setTypes(names);
      setChosen((t) => (t === '' ? (names[0] ?? '') : t));
    }, setError);
  }, []);
  const search = async (after?: string) => {
    try {
      const page = await api<{ streams: StreamRow[]; next_after: string | null }>(
        withQuery('/admin/api/streams', { type: chosen, id: prefix.trim(), after, limit: 50 }),
      );
      setRows((r) => (after === undefined ? page.streams : [...(r ?? []), ...page.streams]));
      setNext(page.streams.length === 50 ? page.next_after : null);
      setError(undefined);
    } catch (e) {
      setError(e);
    }
  };
  return (
    <div>
      <h1>Streams</h1>
      <form
        class="toolbar"
        onSubmit={(e) => {
          e.preventDefault();
          void search();
        }}
      >
        <select name="type" value={chosen} onChange={(e) => setChosen((e.target as HTMLSelectElement).value)}>
          {types.map((t) => (
            <option value={t}>{t}</option>
          ))}
        </select>
        <input
          name="id"
          placeholder="id (or its beginning)"
          value={prefix}
          onInput={(e) => setPrefix((e.target as HTMLInputElement).value)}
        />
        <button type="submit">Search</button>
        <button
          type="button"
          class="secondary"
          onClick={() => prefix.trim() !== '' && go('streams', chosen, prefix.trim())}
          title="Open the stream with exactly this id"
        >
          Open
        </button>
      </form>
      <ErrorBox error={error} />
      {rows !== undefined ? (
        <Panel title={`${rows.length} stream${rows.length === 1 ? '' : 's'}`}>
          <table class="streams">
            <thead>
              <tr>
                <th>Id</th>
                <th>Version</th>
                <th>Created</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((r) => (
                <tr>
                  <td class="mono">
                    <a href={href('streams', r.aggregate_type, r.aggregate_id)} data-stream={r.aggregate_id}>
                      {r.aggregate_id}
                    </a>
                  </td>
                  <td>{r.version}</td>
                  <td>{time(r.created_at)}</td>
                </tr>
              ))}
            </tbody>
          </table>
          {next !== null ? (
            <button class="secondary" onClick={() => void search(next)}>
              More
            </button>
          ) : null}
        </Panel>
      ) : null}
      {type !== undefined && id !== undefined ? <StreamDetail key={`${type}/${id}`} type={type} id={id} /> : null}
    </div>
  );
}
