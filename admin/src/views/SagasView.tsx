/** Sagas: instances of a saga by status; one instance's steps with attempts, errors, compensations. */
import { useEffect, useState } from 'preact/hooks';
import { pathOf, withQuery } from '../api.js';
import { config } from '../model.js';
import { go, href } from '../nav.js';
import { ErrorBox, Json, Panel, time, useApi } from '../ui.js';

const STATUSES = ['running', 'compensating', 'completed', 'compensated', 'failed', 'timed_out'];

interface StepView {
  name: string;
  status: string;
  attempts: number;
  error?: { code?: string; message?: string };
  at: string | null;
  log: unknown[];
  compensation?: { status: string; attempts: number; error?: { code?: string; message?: string }; at: string | null; log: unknown[] };
}

export function SagasView({ name, id }: { name: string | undefined; id: string | undefined }) {
  const [names, setNames] = useState<string[]>([]);
  const [status, setStatus] = useState('');
  const [error, setError] = useState<unknown>(undefined);
  useEffect(() => {
    config().then((c) => setNames(Object.keys(c.model.sagas ?? {})), setError);
  }, []);
  const chosen = name ?? names[0];
  const list = useApi<{ sagas: { saga_id: string; status: string; updated_at: string; next_due_at: string | null }[] }>(
    chosen === undefined ? undefined : withQuery(`/sagas/${pathOf(chosen)}`, { status, limit: 100 }),
    3000,
  );
  return (
    <div>
      <h1>Sagas</h1>
      <ErrorBox error={error ?? list.error} />
      {names.length === 0 ? <p class="muted">This app declares no sagas.</p> : null}
      <div class="toolbar">
        <select name="saga" value={chosen} onChange={(e) => go('sagas', (e.target as HTMLSelectElement).value)}>
          {names.map((n) => (
            <option value={n}>{n}</option>
          ))}
        </select>
        <select name="status" value={status} onChange={(e) => setStatus((e.target as HTMLSelectElement).value)}>
          <option value="">every status</option>
          {STATUSES.map((s) => (
            <option value={s}>{s}</option>
          ))}
        </select>
      </div>
      <div class="split">
        <Panel title="Instances">
          <table>
            <thead>
              <tr>
                <th>Id</th>
                <th>Status</th>
                <th>Updated</th>
              </tr>
            </thead>
            <tbody>
              {(list.data?.sagas ?? []).map((s) => (
                <tr class={s.saga_id === id ? 'selected' : ''}>
                  <td class="mono">
                    <a href={href('sagas', chosen ?? '', s.saga_id)}>{s.saga_id}</a>
                  </td>
                  <td>
                    <span class={`status ${s.status}`}>{s.status}</span>
                  </td>
                  <td>{time(s.updated_at)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </Panel>
        {chosen !== undefined && id !== undefined ? <SagaDetail key={id} name={chosen} id={id} /> : null}
      </div>
    </div>
  );
}

function SagaDetail({ name, id }: { name: string; id: string }) {
  const { data, error } = useApi<{ status: string; started_at: string; data: unknown; error?: unknown; steps: StepView[] }>(
    `/sagas/${pathOf(name, id)}`,
    3000,
  );
  return (
    <Panel title={`Saga ${id}`}>
      <ErrorBox error={error} />
      {data === undefined ? null : (
        <div>
          <p>
            <span class={`status ${data.status}`}>{data.status}</span> · started {time(data.started_at)}
          </p>
          <div class="scroll-x">
            <table class="steps">
              <thead>
                <tr>
                  <th>Step</th>
                  <th>Status</th>
                  <th>Attempts</th>
                  <th>Error</th>
                  <th>Compensation</th>
                </tr>
              </thead>
              <tbody>
                {data.steps.map((s) => (
                  <tr>
                    <td>{s.name}</td>
                    <td>
                      <span class={`status ${s.status}`}>{s.status}</span>
                    </td>
                    <td>{s.attempts}</td>
                    <td class="small">{s.error === undefined ? '' : `${s.error.code ?? ''} ${s.error.message ?? ''}`}</td>
                    <td class="small">
                      {s.compensation === undefined
                        ? '—'
                        : `${s.compensation.status} (${s.compensation.attempts} attempts)${s.compensation.error?.message !== undefined ? `: ${s.compensation.error.message}` : ''}`}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          <details>
            <summary>data and attempt log</summary>
            <Json value={data} />
          </details>
        </div>
      )}
    </Panel>
  );
}
