/**
 * /metrics completeness (issue 19) and the Grafana dashboard in docs/: every metric a panel
 * queries is one the server really exports, with every feature on (projections, sagas, a
 * webhook publisher, the Redis tier, a PostgreSQL pool, an async projection); per-checkpoint lag,
 * per-route latency,
 * group-commit batch sizes and pool use carry real values.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { loadConfig } from '../../src/config/loadConfig.js';
import { cacheSchema } from '../../src/config/schema/cache.js';
import { publishersSchema } from '../../src/config/schema/publishers.js';
import { createTestDatabase } from '../support/postgres.js';
import { startRedis, type RedisServer } from '../support/redis.js';
import { startTestApp, type TestApp } from '../http/helpers.js';
import { startReceiver, type WebhookReceiver } from '../publishers/webhookReceiver.js';

const DASHBOARD = fileURLToPath(new URL('../../docs/grafana-dashboard.json', import.meta.url));
const APP_FILE = fileURLToPath(new URL('../../config/app.tsk', import.meta.url));

/** Metric families in Prometheus text: name → type. */
function families(text: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const m of text.matchAll(/^# TYPE (\S+) (\S+)$/gm)) out.set(m[1]!, m[2]!);
  return out;
}

/** The value of the first sample line of `name` whose labels include `labels`. */
function sample(text: string, name: string, labels = ''): number | undefined {
  const line = text
    .split('\n')
    .find(
      (l) =>
        l.startsWith(name) &&
        /^[a-z_]+(\{|\s)/.test(l.slice(name.length - 1)) &&
        l.slice(0, l.lastIndexOf(' ')).split('{')[0] === name &&
        l.includes(labels),
    );
  return line === undefined ? undefined : Number(line.slice(line.lastIndexOf(' ') + 1));
}

/** Every tusk_* metric a panel of the dashboard queries. */
function dashboardMetrics(): Set<string> {
  const dashboard = JSON.parse(readFileSync(DASHBOARD, 'utf8')) as {
    panels: { targets?: { expr: string }[] }[];
    templating: { list: { query?: unknown }[] };
  };
  const exprs = [
    ...dashboard.panels.flatMap((p) => (p.targets ?? []).map((t) => t.expr)),
    ...dashboard.templating.list.map((v) => (typeof v.query === 'string' ? v.query : '')),
  ];
  return new Set(exprs.flatMap((e) => [...e.matchAll(/\btusk_[a-z0-9_]+/g)].map((m) => m[0])));
}

describe('/metrics and the Grafana dashboard', () => {
  let app: TestApp;
  let redis: RedisServer;
  let receiver: WebhookReceiver;
  let text: string;

  beforeAll(async () => {
    redis = await startRedis();
    receiver = await startReceiver('/hooks');
    const model = (await loadConfig(APP_FILE, { mode: 'serve' })).model!;
    app = await startTestApp({
      ...model,
      event_store: { ...model.event_store, type: 'postgresql', connection: await createTestDatabase(inject('pgUrl')), pool_size: 7 },
      // one async projection, so the consumer metrics are there too
      projections: { ...model.projections, order_projection: { ...model.projections.order_projection!, mode: 'async' } },
      cache: cacheSchema.parse({ url: redis.url }),
      publishers: publishersSchema.parse({ webhooks: { endpoints: [receiver.url] } }),
    });
    const created = await Promise.all(
      [1, 2, 3, 4].map((i) => app.api('POST', '/aggregates/user/commands/CreateUser', { email: `m${i}@example.com`, name: `M${i}` })),
    );
    expect(created.map((r) => r.status)).toEqual([200, 200, 200, 200]);
    await app.api('GET', `/aggregates/user/${created[0]!.body.aggregate_id}`);
    // scrape once the relay has delivered everything and saved its checkpoint
    const relay = `checkpoint="publisher:webhooks:${receiver.url}"`;
    const deadline = Date.now() + 30_000;
    do {
      await new Promise((r) => setTimeout(r, 25));
      text = (await app.api('GET', '/metrics')).body as string;
    } while ((receiver.accepted().length < 4 || sample(text, 'tusk_checkpoint_lag_events', relay) !== 0) && Date.now() < deadline);
  });
  afterAll(async () => {
    await app?.close();
    await receiver?.close();
    await redis?.stop();
  });

  it('every metric the dashboard queries is exported by the server', () => {
    const exported = families(text);
    const names = new Set<string>();
    for (const [name, type] of exported) {
      names.add(name);
      if (type === 'histogram') for (const s of ['_bucket', '_sum', '_count']) names.add(name + s);
    }
    const used = dashboardMetrics();
    expect(used.size).toBeGreaterThan(20);
    expect([...used].filter((m) => !names.has(m))).toEqual([]);
  });

  it('the dashboard charts the four issue 19 metrics', () => {
    const used = dashboardMetrics();
    for (const m of [
      'tusk_consumer_lag_events',
      'tusk_checkpoint_lag_events',
      'tusk_http_request_duration_seconds_bucket',
      'tusk_append_batch_size_bucket',
      'tusk_store_pool_connections',
    ])
      expect(used).toContain(m);
  });

  it('exports per-route latency histograms', () => {
    expect(families(text).get('tusk_http_request_duration_seconds')).toBe('histogram');
    expect(sample(text, 'tusk_http_request_duration_seconds_count', 'route="/aggregates/:type/commands/:command"')).toBe(4);
  });

  it('exports group-commit batch sizes: every append is in one batch', () => {
    expect(families(text).get('tusk_append_batch_size')).toBe('histogram');
    const batches = sample(text, 'tusk_append_batch_size_count')!;
    expect(batches).toBeGreaterThanOrEqual(1);
    // 4 creates and 4 inline-projection rows went in, in at most 4 batches (sagas append none here)
    expect(sample(text, 'tusk_append_batch_size_sum')).toBe(4);
  });

  it('exports the pool use of the PostgreSQL store', () => {
    expect(sample(text, 'tusk_store_pool_connections', 'state="max"')).toBe(7);
    expect(sample(text, 'tusk_store_pool_connections', 'state="open"')).toBeGreaterThanOrEqual(1);
    expect(sample(text, 'tusk_store_pool_connections', 'state="waiting"')).toBe(0);
  });

  it('exports the lag of every checkpoint, whichever reader owns it: the relay that delivered everything reads 0', () => {
    expect(receiver.accepted()).toHaveLength(4);
    expect(sample(text, 'tusk_checkpoint_lag_events', `checkpoint="publisher:webhooks:${receiver.url}"`)).toBe(0);
    expect(sample(text, 'tusk_checkpoint_lag_events', 'checkpoint="saga-trigger:order_processing_saga"')).toBeGreaterThanOrEqual(0);
  });
});
