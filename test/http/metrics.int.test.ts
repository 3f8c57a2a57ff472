/**
 * /metrics of a started server after a known sequence of requests: the command and HTTP
 * families' names, label sets, counts and histogram buckets (the engine and the onResponse
 * hook count through cached series, metricSeries.ts; a changed metric fails here).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appSchema } from '../../src/config/schema/index.js';
import { shopModel } from '../engine/fixtures.js';
import { startTestApp, type TestApp } from './helpers.js';

let t: TestApp;

beforeAll(async () => {
  t = await startTestApp(appSchema.parse(shopModel()));
});
afterAll(async () => {
  await t?.close();
});

const samples = (text: string, family: string) => text.split('\n').filter((l) => l.startsWith(`${family}{`) || l.startsWith(`${family} `));
const COMMAND_ROUTE = '/aggregates/:type/:id/commands/:command';
const CREATE_ROUTE = '/aggregates/:type/commands/:command';
const COMMAND_BOUNDS = ['0.001', '0.0025', '0.005', '0.01', '0.025', '0.05', '0.1', '0.25', '0.5', '1', '2.5', '5', '+Inf'];
const HTTP_BOUNDS = ['0.001', '0.005', '0.01', '0.025', '0.05', '0.1', '0.25', '0.5', '1', '2.5', '5', '10', '+Inf'];

/** A histogram's series for `labels`: its buckets (cumulative, one per bound, +Inf = count), count and sum. */
function histogram(text: string, family: string, labels: string, bounds: readonly string[]): { count: number; sum: number } {
  const buckets = samples(text, `${family}_bucket`).filter((l) => l.includes(`,${labels}}`));
  expect(buckets.map((l) => /le="([^"]+)"/.exec(l)![1])).toEqual(bounds);
  const counts = buckets.map((l) => Number(l.split(' ')[1]));
  for (let i = 1; i < counts.length; i++) expect(counts[i]).toBeGreaterThanOrEqual(counts[i - 1]!);
  const count = Number(
    samples(text, `${family}_count`)
      .find((l) => l.includes(`{${labels}}`))!
      .split(' ')[1],
  );
  const sum = Number(
    samples(text, `${family}_sum`)
      .find((l) => l.includes(`{${labels}}`))!
      .split(' ')[1],
  );
  expect(counts.at(-1)).toBe(count);
  return { count, sum };
}

describe('/metrics after a known sequence of requests', () => {
  it('counts commands by outcome and requests by route and status, with their duration histograms', async () => {
    for (let i = 0; i < 3; i++)
      expect((await t.api('POST', `/aggregates/order/commands/CreateOrder`, { customer_id: `c${i}` })).status).toBe(200);
    expect((await t.api('POST', '/aggregates/order/m1/commands/CreateOrder', { customer_id: 'c' })).status).toBe(200);
    expect((await t.api('POST', '/aggregates/order/m1/commands/Cancel', { reason: 'x' })).status).toBe(200);
    const refused = await t.api('POST', '/aggregates/order/m1/commands/AddItem', { product_id: 'p', quantity: 1, unit_price: 1 });
    expect(refused.body.error.code).toBe('RULE_VIOLATION');
    const unknownType = await t.api('POST', '/aggregates/nope/x/commands/A', {});
    expect(unknownType.body.error.code).toBe('UNKNOWN_AGGREGATE_TYPE');
    const unknownCommand = await t.api('POST', '/aggregates/order/m1/commands/Nope', {});
    expect(unknownCommand.body.error.code).toBe('UNKNOWN_COMMAND');
    expect((await t.api('GET', '/nowhere')).status).toBe(404);
    for (let i = 0; i < 2; i++) expect((await t.api('GET', '/health')).status).toBe(200);

    const text = (await t.api('GET', '/metrics')).body as string;
    expect(samples(text, 'tusk_commands_total')).toEqual([
      'tusk_commands_total{aggregate_type="order",command="CreateOrder",outcome="accepted"} 4',
      'tusk_commands_total{aggregate_type="order",command="Cancel",outcome="accepted"} 1',
      `tusk_commands_total{aggregate_type="order",command="AddItem",outcome="RULE_VIOLATION"} 1`,
      'tusk_commands_total{aggregate_type="(unknown)",command="(unknown)",outcome="UNKNOWN_AGGREGATE_TYPE"} 1',
      'tusk_commands_total{aggregate_type="(unknown)",command="(unknown)",outcome="UNKNOWN_COMMAND"} 1',
    ]);
    expect(samples(text, 'tusk_events_appended_total')).toEqual(['tusk_events_appended_total 5']);
    expect(samples(text, 'tusk_http_requests_total')).toEqual([
      `tusk_http_requests_total{method="POST",route="${CREATE_ROUTE}",status="200"} 3`,
      `tusk_http_requests_total{method="POST",route="${COMMAND_ROUTE}",status="200"} 2`,
      `tusk_http_requests_total{method="POST",route="${COMMAND_ROUTE}",status="${refused.status}"} 1`,
      `tusk_http_requests_total{method="POST",route="${COMMAND_ROUTE}",status="404"} 2`,
      'tusk_http_requests_total{method="GET",route="(unmatched)",status="404"} 1',
      'tusk_http_requests_total{method="GET",route="/health",status="200"} 2',
    ]);
    const commandSeries = [
      ['aggregate_type="order",command="CreateOrder"', 4],
      ['aggregate_type="order",command="Cancel"', 1],
      ['aggregate_type="order",command="AddItem"', 1],
      ['aggregate_type="(unknown)",command="(unknown)"', 2],
    ] as const;
    for (const [labels, count] of commandSeries) {
      const series = histogram(text, 'tusk_command_duration_seconds', labels, COMMAND_BOUNDS);
      expect(series.count).toBe(count);
      expect(series.sum).toBeGreaterThan(0);
    }
    expect(samples(text, 'tusk_command_duration_seconds_count')).toHaveLength(commandSeries.length);
    const httpSeries = [
      [`method="POST",route="${CREATE_ROUTE}"`, 3],
      [`method="POST",route="${COMMAND_ROUTE}"`, 5],
      ['method="GET",route="(unmatched)"', 1],
      ['method="GET",route="/health"', 2],
    ] as const;
    for (const [labels, count] of httpSeries) {
      const series = histogram(text, 'tusk_http_request_duration_seconds', labels, HTTP_BOUNDS);
      expect(series.count).toBe(count);
      expect(series.sum).toBeGreaterThan(0);
    }
    expect(samples(text, 'tusk_http_request_duration_seconds_count')).toHaveLength(httpSeries.length);

    // The scrape itself is counted once it is answered, and the counts go on from there.
    expect((await t.api('GET', '/health')).status).toBe(200);
    const next = (await t.api('GET', '/metrics')).body as string;
    expect(samples(next, 'tusk_http_requests_total')).toContain('tusk_http_requests_total{method="GET",route="/metrics",status="200"} 1');
    expect(samples(next, 'tusk_http_requests_total')).toContain('tusk_http_requests_total{method="GET",route="/health",status="200"} 3');
    expect(histogram(next, 'tusk_http_request_duration_seconds', 'method="GET",route="/health"', HTTP_BOUNDS).count).toBe(3);
  });
});
