/** Overview: live rates and p99 from the server's own metrics, store size, the fleet. */
import { useEffect, useRef, useState } from 'preact/hooks';
import { api } from '../api.js';
import { LineChart } from '../chart.js';
import { ratePoint, type MetricsSnapshot, type RatePoint } from '../rates.js';
import { ErrorBox, Panel, bytes, time, useApi } from '../ui.js';

const POINTS = 60;

interface Overview {
  store: { kind: string; database_bytes: number; events_bytes: number; last_position: number; head_position: number };
  fleet: { processes: number; leases: { name: string; owner: string; expires_at: string }[] };
  process: { pid: number; uptime_s: number; node: string };
}

export function OverviewView() {
  const [points, setPoints] = useState<RatePoint[]>([]);
  const [error, setError] = useState<unknown>(undefined);
  const prev = useRef<MetricsSnapshot | undefined>(undefined);
  useEffect(() => {
    let live = true;
    const poll = async () => {
      try {
        const next = await api<MetricsSnapshot>('/admin/api/metrics');
        if (!live) return;
        if (prev.current !== undefined) {
          const p = ratePoint(prev.current, next);
          setPoints((ps) => [...ps.slice(-(POINTS - 1)), p]);
        }
        prev.current = next;
        setError(undefined);
      } catch (e) {
        if (live) setError(e);
      }
    };
    void poll();
    const timer = setInterval(() => void poll(), 1000);
    return () => {
      live = false;
      clearInterval(timer);
    };
  }, []);
  const overview = useApi<Overview>('/admin/api/overview', 5000);
  const o = overview.data;
  return (
    <div>
      <h1>Overview</h1>
      <ErrorBox error={error ?? overview.error} />
      <div class="charts">
        <LineChart title="Commands/s" unit="/s" values={points.map((p) => p.commandsPerSecond)} />
        <LineChart title="Events/s" unit="/s" values={points.map((p) => p.eventsPerSecond)} />
        <LineChart title="p99 command latency" unit="ms" values={points.map((p) => p.p99Ms)} />
      </div>
      <div class="cards">
        <Panel title="Store">
          {o === undefined ? (
            '…'
          ) : (
            <dl>
              <dt>Kind</dt>
              <dd>{o.store.kind}</dd>
              <dt>Events</dt>
              <dd data-testid="event-count">{o.store.last_position.toLocaleString()}</dd>
              <dt>Events table</dt>
              <dd>{bytes(o.store.events_bytes)}</dd>
              <dt>Database</dt>
              <dd>{bytes(o.store.database_bytes)}</dd>
              <dt>Readable head</dt>
              <dd>{o.store.head_position.toLocaleString()}</dd>
            </dl>
          )}
        </Panel>
        <Panel title="Fleet">
          {o === undefined ? (
            '…'
          ) : (
            <div>
              <p>
                <strong data-testid="process-count">{o.fleet.processes}</strong> process{o.fleet.processes === 1 ? '' : 'es'} (this one and
                the holders of leases) · this one is pid {o.process.pid}, up {o.process.uptime_s}s ({o.process.node})
              </p>
              <table>
                <thead>
                  <tr>
                    <th>Lease</th>
                    <th>Owner</th>
                    <th>Expires</th>
                  </tr>
                </thead>
                <tbody>
                  {o.fleet.leases.map((l) => (
                    <tr>
                      <td>{l.name}</td>
                      <td class="mono">{l.owner}</td>
                      <td>{time(l.expires_at)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
        </Panel>
      </div>
    </div>
  );
}
