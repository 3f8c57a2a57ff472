/** The `telemetry` block (issue 19): validated where it is written; off unless an endpoint is set. */
import { describe, expect, it } from 'vitest';
import { loadConfigText } from '../../src/config/index.js';
import { tracesUrl } from '../../src/telemetry/otel.js';
import { startTracing } from '../../src/telemetry/tracing.js';

const APP = 'aggregates = { a = { commands = { Make = { creates = true, emits = "Made" } } } }\n';
const load = (telemetry: string, env: Record<string, string> = {}) =>
  loadConfigText(`${APP}telemetry = ${telemetry}\n`, 'app.tsk', { mode: 'check', env });

describe('telemetry config', () => {
  it('reads the endpoint from @env and defaults sample_ratio to 1', async () => {
    const loaded = await load('{ otlp_endpoint = @env(OTLP), sample_ratio = 0.1 }', { OTLP: 'http://127.0.0.1:4318' });
    expect(loaded.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    expect(loaded.model!.telemetry).toEqual({ otlp_endpoint: 'http://127.0.0.1:4318', sample_ratio: 0.1, service_name: 'tusk-es' });
    expect((await load('{ otlp_endpoint = "http://c:4318" }')).model!.telemetry!.sample_ratio).toBe(1);
  });

  it('reports a ratio outside 0..1 and a non-http endpoint at their file:line:col', async () => {
    const loaded = await load('{ otlp_endpoint = "ftp://collector", sample_ratio = 1.5 }');
    const errors = loaded.diagnostics
      .filter((d) => d.severity === 'error')
      .map((d) => `${d.location?.line}:${d.location?.column} ${d.message}`);
    expect(errors).toEqual([
      expect.stringMatching(/^2:31 telemetry\.otlp_endpoint: expected an http/),
      expect.stringMatching(/^2:65 telemetry\.sample_ratio: .*<=1/),
    ]);
  });

  it('is off (nothing started) without an endpoint, e.g. an @env that is not set', async () => {
    const loaded = await load('{ otlp_endpoint = @env(NOT_SET_OTLP) }');
    expect(loaded.diagnostics.map((d) => d.code)).toEqual(['TSK_ENV_NOT_SET']);
    expect(loaded.model!.telemetry!.otlp_endpoint).toBeUndefined();
    expect(await startTracing(loaded.model!.telemetry)).toBeUndefined();
    expect(await startTracing(undefined)).toBeUndefined();
  });

  it('sends spans to <endpoint>/v1/traces, as OTEL_EXPORTER_OTLP_ENDPOINT does', () => {
    expect(tracesUrl('http://c:4318')).toBe('http://c:4318/v1/traces');
    expect(tracesUrl('http://c:4318/')).toBe('http://c:4318/v1/traces');
    expect(tracesUrl('http://c:4318/v1/traces')).toBe('http://c:4318/v1/traces');
  });
});
