/** Dead letters: list (by relay), inspect one, retry it. */
import { useState } from 'preact/hooks';
import type { DeadLetterJson } from '../../../src/publishers/deadLetters/deadLetterJson.js';
import { api, withQuery } from '../api.js';
import { ErrorBox, Json, Panel, time, useApi } from '../ui.js';

type DeadLetter = DeadLetterJson;

export function DeadLettersView() {
  const [relay, setRelay] = useState('');
  const [nonce, setNonce] = useState(0);
  const list = useApi<{ dead_letters: DeadLetter[] }>(withQuery('/dead-letters', { relay, limit: 200 }), 5000, nonce);
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
  const relays = [...new Set(letters.map((d) => d.relay))];
  return (
    <div>
      <h1>Dead letters</h1>
      <div class="toolbar">
        <input name="relay" placeholder="relay name" value={relay} onChange={(e) => setRelay((e.target as HTMLInputElement).value)} list="relays" />
        <datalist id="relays">
          {relays.map((r) => (
            <option value={r} />
          ))}
        </datalist>
      </div>
      <ErrorBox error={error ?? list.error} />
      {message !== undefined ? <div class="notice" data-testid="retry-result">{message}</div> : null}
      <Panel title={`${letters.length} dead letter${letters.length === 1 ? '' : 's'}`}>
        {letters.length === 0 ? <p class="muted" data-testid="no-dead-letters">No dead letters.</p> : null}
        <table class="dead-letters">
          <tbody>
            {letters.map((d) => [
              <tr data-dead-letter={d.id}>
                <td>
                  <button class="link" onClick={() => setOpen(open === d.id ? undefined : d.id)}>
                    #{d.id}
                  </button>
                </td>
                <td>{d.relay}</td>
                <td>
                  {d.event_type} <span class="muted mono">{d.aggregate_type}/{d.aggregate_id}</span>
                </td>
                <td>{d.attempts} attempts</td>
                <td class="small error-text">{d.error}</td>
                <td>{time(d.failed_at)}</td>
                <td>
                  <button name="retry" onClick={() => void retry(d)}>
                    Retry
                  </button>
                </td>
              </tr>,
              open === d.id ? (
                <tr>
                  <td colSpan={7}>
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
