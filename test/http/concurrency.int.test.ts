/**
 * Acceptance 3 of issue 3, on PostgreSQL: 200 commands from 20 parallel clients at one stream.
 * With If-Match read first, some lose the race: the stream ends at exactly the accepted ones,
 * versions without gap or duplicate, every rejected one got 409. Without If-Match, all 200
 * are accepted, even split across two servers sharing the database (cross-process retry).
 */
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { appSchema, type AppConfig } from '../../src/config/schema/index.js';
import { openEventStore } from '../../src/store/index.js';
import type { EventStore } from '../../src/store/EventStore.js';
import { createTestDatabase } from '../support/postgres.js';
import { shopModel } from '../engine/fixtures.js';
import { startTestApp, type TestApp } from './helpers.js';

const CLIENTS = 20;
const PER_CLIENT = 10;
let model: AppConfig;
let a: TestApp;
let b: TestApp;
let store: EventStore;

beforeAll(async () => {
  const url = await createTestDatabase(inject('pgUrl'));
  model = appSchema.parse({ ...shopModel(), event_store: { type: 'postgresql', connection: url } });
  a = await startTestApp(model);
  b = await startTestApp(model);
  store = await openEventStore(model.event_store);
});
afterAll(async () => {
  await a?.close();
  await b?.close();
  await store?.close();
});

async function versionsOf(id: string): Promise<number[]> {
  return (await store.readStream('order', id, {})).map((e) => e.version);
}

describe('concurrent commands on one stream', () => {
  it('with If-Match: accepted ones make versions 1..N without gaps, every other one is a 409', async () => {
    expect((await a.api('POST', '/aggregates/order/hot1/commands/CreateOrder', { customer_id: 'c' })).status).toBe(200);
    const statuses: number[] = [];
    await Promise.all(
      Array.from({ length: CLIENTS }, async (_, client) => {
        const app = client % 2 === 0 ? a : b;
        for (let i = 0; i < PER_CLIENT; i++) {
          const current = await app.api('GET', '/aggregates/order/hot1');
          const res = await app.api(
            'POST',
            '/aggregates/order/hot1/commands/Annotate',
            { note: `${client}-${i}` },
            { 'if-match': current.headers.get('etag')! },
          );
          statuses.push(res.status);
          if (res.status === 409) expect(res.body.error.code).toBe('VERSION_CONFLICT');
        }
      }),
    );
    const accepted = statuses.filter((s) => s === 200).length;
    expect(statuses).toHaveLength(CLIENTS * PER_CLIENT);
    expect(statuses.every((s) => s === 200 || s === 409)).toBe(true);
    expect(accepted).toBeGreaterThan(0);
    expect(await versionsOf('hot1')).toEqual(Array.from({ length: accepted + 1 }, (_, i) => i + 1));
  });

  it('without If-Match: all 200 are accepted, versions 1..200 after the create', async () => {
    expect((await a.api('POST', '/aggregates/order/hot2/commands/CreateOrder', { customer_id: 'c' })).status).toBe(200);
    const results = await Promise.all(
      Array.from({ length: CLIENTS }, async (_, client) => {
        const app = client % 2 === 0 ? a : b;
        const out: number[] = [];
        for (let i = 0; i < PER_CLIENT; i++) {
          const res = await app.api('POST', '/aggregates/order/hot2/commands/Annotate', { note: `${client}-${i}` });
          expect(res.status).toBe(200);
          out.push(res.body.version);
        }
        return out;
      }),
    );
    const versions = results.flat().sort((x, y) => x - y);
    expect(versions).toEqual(Array.from({ length: CLIENTS * PER_CLIENT }, (_, i) => i + 2));
    expect(await versionsOf('hot2')).toEqual(Array.from({ length: CLIENTS * PER_CLIENT + 1 }, (_, i) => i + 1));
    const notes = (await store.readStream('order', 'hot2', {})).slice(1).map((e) => (e.data as { note: string }).note);
    expect(new Set(notes).size).toBe(CLIENTS * PER_CLIENT);
  });
});
