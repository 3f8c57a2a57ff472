/**
 * RuntimeMetrics counts commands and HTTP requests through cached series (metricSeries.ts)
 * instead of prom-client's labelled `inc`/`observe`: its /metrics text and JSON must be what
 * prom-client's own calls give for the same sequence, label sets, buckets and values included.
 */
import { describe, expect, it } from 'vitest';
import { RuntimeMetrics } from '../../src/runtime/metrics.js';

/** The same observations through prom-client's labelled calls, as RuntimeMetrics made them before the series. */
function reference(): {
  metrics: RuntimeMetrics;
  command(type: string, command: string, outcome: string, seconds: number): void;
  http(method: string, route: string, status: number, seconds: number): void;
} {
  const metrics = new RuntimeMetrics();
  return {
    metrics,
    command(type, command, outcome, seconds) {
      const known = outcome !== 'UNKNOWN_AGGREGATE_TYPE' && outcome !== 'UNKNOWN_COMMAND';
      const t = known ? type : '(unknown)';
      const c = known ? command : '(unknown)';
      metrics.commands.inc({ aggregate_type: t, command: c, outcome });
      metrics.commandDuration.observe({ aggregate_type: t, command: c }, seconds);
    },
    http(method, route, status, seconds) {
      metrics.httpRequests.inc({ method, route, status: String(status) });
      metrics.httpDuration.observe({ method, route }, seconds);
    },
  };
}

// Values on bounds (a bound counts in its own bucket), between them, 0, and above the last one.
const SECONDS = [0, 0.0004, 0.001, 0.0025, 0.003, 0.05, 0.07, 1, 2.5, 4.9, 5, 7, 10, 12.5];

function feed(series: RuntimeMetrics, ref: ReturnType<typeof reference>, rounds: number): void {
  for (let i = 0; i < rounds; i++) {
    const s = SECONDS[i % SECONDS.length]!;
    series.commandFinished('user', 'CreateUser', 'accepted', s);
    ref.command('user', 'CreateUser', 'accepted', s);
    if (i % 3 === 0) {
      series.commandFinished('user', 'CreateUser', 'UNIQUE_VIOLATION', s * 2);
      ref.command('user', 'CreateUser', 'UNIQUE_VIOLATION', s * 2);
    }
    if (i % 5 === 0) {
      series.commandFinished('nope', 'Whatever', 'UNKNOWN_AGGREGATE_TYPE', s);
      ref.command('nope', 'Whatever', 'UNKNOWN_AGGREGATE_TYPE', s);
      series.commandFinished('user', 'Nope', 'UNKNOWN_COMMAND', s);
      ref.command('user', 'Nope', 'UNKNOWN_COMMAND', s);
    }
    series.httpRequestEnded('POST', '/aggregates/:type/commands/:command', 200, s);
    ref.http('POST', '/aggregates/:type/commands/:command', 200, s);
    if (i % 4 === 1) {
      series.httpRequestEnded('POST', '/aggregates/:type/commands/:command', 409, s / 3);
      ref.http('POST', '/aggregates/:type/commands/:command', 409, s / 3);
      series.httpRequestEnded('GET', '(unmatched)', 404, s);
      ref.http('GET', '(unmatched)', 404, s);
    }
  }
}

describe('RuntimeMetrics series', () => {
  it("give prom-client's own text and JSON for the same sequence", async () => {
    const series = new RuntimeMetrics();
    const ref = reference();
    feed(series, ref, 1);
    expect(await series.registry.metrics()).toBe(await ref.metrics.registry.metrics());
    feed(series, ref, 200);
    const text = await series.registry.metrics();
    expect(text).toBe(await ref.metrics.registry.metrics());
    expect(await series.registry.getMetricsAsJSON()).toEqual(await ref.metrics.registry.getMetricsAsJSON());
    // Not two empty texts: the label sets and buckets are there.
    expect(text).toContain('tusk_commands_total{aggregate_type="user",command="CreateUser",outcome="accepted"} 201');
    expect(text).toContain('tusk_commands_total{aggregate_type="(unknown)",command="(unknown)",outcome="UNKNOWN_AGGREGATE_TYPE"} 41');
    expect(text).toContain('tusk_http_requests_total{method="GET",route="(unmatched)",status="404"} 50');
    expect(text).toContain('tusk_http_request_duration_seconds_bucket{le="10",method="POST",route="/aggregates/:type/commands/:command"}');
    expect(text).toContain('tusk_command_duration_seconds_bucket{le="0.001",aggregate_type="user",command="CreateUser"} 57\n');
  });

  it('keep counting after prom-client drops their records (reset, remove)', async () => {
    const series = new RuntimeMetrics();
    const ref = reference();
    feed(series, ref, 30);
    for (const m of [series, ref.metrics]) {
      m.registry.resetMetrics();
      m.httpRequests.remove({ method: 'POST', route: '/aggregates/:type/commands/:command', status: '200' });
    }
    expect(await series.registry.metrics()).toBe(await ref.metrics.registry.metrics());
    feed(series, ref, 7);
    series.httpRequests.remove({ method: 'GET', route: '(unmatched)', status: '404' });
    ref.metrics.httpRequests.remove({ method: 'GET', route: '(unmatched)', status: '404' });
    series.commandDuration.remove({ aggregate_type: 'user', command: 'CreateUser' });
    ref.metrics.commandDuration.remove({ aggregate_type: 'user', command: 'CreateUser' });
    feed(series, ref, 9);
    const text = await series.registry.metrics();
    expect(text).toBe(await ref.metrics.registry.metrics());
    expect(text).toContain('tusk_commands_total{aggregate_type="user",command="CreateUser",outcome="accepted"} 16');
    expect(text).toContain('tusk_command_duration_seconds_count{aggregate_type="user",command="CreateUser"} 12');
  });

  it('refuse a value that is not a finite number, as prom-client does', () => {
    const series = new RuntimeMetrics();
    series.httpRequestEnded('GET', '/health', 200, 0.001);
    expect(() => series.httpRequestEnded('GET', '/health', 200, Number.NaN)).toThrow(TypeError);
  });
});
