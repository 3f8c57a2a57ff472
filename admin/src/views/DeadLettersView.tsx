/** Dead letters of every consumer: list (by consumer), inspect one, retry it (a held one is released by retrying its parked one). */
import { useState } from 'preact/hooks';
import type { DeadLetterJson } from '../../../src/consumers/deadLetters/deadLetterJson.js';
import { api, withQuery } from '../api.js';
import { ErrorBox, Json, Panel, time, useApi } from '../ui.js';

type DeadLetter = DeadLetterJson;

export function DeadLettersView() {
  const [consumer, setConsumer] = useState('');
  const [nonce, setNonce] = useState(0);
  const list = useApi<{ dead_letters: DeadLetter[] }>(withQuery('/dead-letters', { consumer, limit: 200 }), 5000, nonce);
  const [open, setOpen] = useState<number | undefined>(undefined);
  const [message, setMessage] = useState<string | undefined>(undefined);
  const [error, setError] = useState<unknown>(undefined);
  const letters = list.data?.dead_letters ?? [];
  const retry = async (d: DeadLetter) => {
    try {
      const r = await api<Record<string, unknown>>(`/dead-letters/${d.id}/retry`, { method: 'POST' });
      setMessage(`dead letter ${d.id}: ${JSON.stringify(r)}`);
      setError(undefined);
    } catch (e) {
      setError(e);
    }
    setNonce((n) => n + 1);
  };
  const consumers = [...new Set(letters.map((d) => d.consumer))];
  return (
    <div>
      <h1>Dead letters</h1>
      <div class="toolbar">
        <input
          name="consumer"
          placeholder="consumer (publisher:…, projection:…, saga-trigger:…)"
          value={consumer}
          onChange={(e) => setConsumer((e.target as HTMLInputElement).value)}
          list="consumers"
        />
        <datalist id="consumers">
          {consumers.map((r) => (
            <option value={r} />
          ))}
        </datalist>
      </div>
      <ErrorBox error={error ?? list.error} />
      {message !== undefined ? (
        <div class="notice" data-testid="retry-result">
          {message}
        </div>
      ) : null}
      <Panel title={`${letters.length} dead letter${letters.length === 1 ? '' : 's'}`}>
        {letters.length === 0 ? (
          <p class="muted" data-testid="no-dead-letters">
            No dead letters.
          </p>
        ) : null}
        <table class="dead-letters">
          <tbody>
            {letters.map((d) => [
              <tr data-dead-letter={d.id}>
                <td>
                  <button class="link" onClick={() => setOpen(open === d.id ? undefined : d.id)}>
                    #{d.id}
                  </button>
                </td>
                <td>{d.consumer}</td>
                <td data-status={d.status}>{d.status}</td>
                <td>
                  {d.event_type}{' '}
                  <span class="muted mono">
                    {d.aggregate_type}/{d.aggregate_id}
                  </span>
                </td>
                <td>{d.attempts} attempts</td>
                <td class="small error-text">{d.error}</td>
                <td>{time(d.failed_at)}</td>
                <td>
                  {d.status === 'held' ? (
                    <span class="muted small">released by its parked event</span>
                  ) : (
                    <button name="retry" onClick={() => void retry(d)}>
                      Retry
                    </button>
                  )}
                </td>
              </tr>,
              open === d.id ? (
                <tr>
                  <td colSpan={8}>
                    <Json value={d} />
                  </td>
                </tr>
              ) : null,
            ])}
          </tbody>
        </table>
      </Panel>
    </div>
  );
}
