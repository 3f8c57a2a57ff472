/**
 * Issue 5, acceptance 2: seed 000's `UserCreated_v1_to_v2` and `OrderCreated_v2_to_v3`
 * blocks, verbatim, pass `check` and do what their keys say — on stored-event objects and
 * through the engine on a real (embedded, in-memory) event store.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig, type AppConfig } from '../../src/config/index.js';
import { buildUpcaster } from '../../src/migrations/buildUpcaster.js';
import { Runtime } from '../../src/runtime/Runtime.js';
import type { EventStore } from '../../src/store/EventStore.js';
import { lines } from '../config/helpers.js';
import { memoryStore } from '../engine/fixtures.js';
import { stored } from './helpers.js';

const FIXTURE = join(import.meta.dirname, '../fixtures/migrations/seed000.tsk');
const SEED_BLOCK = join(import.meta.dirname, '../fixtures/seeds/000_event_versioning.tsk');

let model: AppConfig;
beforeAll(async () => {
  const loaded = await loadConfig(FIXTURE, { mode: 'check', env: {} });
  expect(lines(loaded.diagnostics)).toEqual([]);
  model = loaded.model!;
});

describe("seed 000's event_versioning block", () => {
  it('is in the fixture verbatim, and the fixture passes check with no diagnostic at all', () => {
    const block = readFileSync(SEED_BLOCK, 'utf8').split('\n').slice(1).join('\n');
    expect(block).toContain('UserCreated_v1_to_v2 = {');
    expect(readFileSync(FIXTURE, 'utf8')).toContain(block);
    expect(Object.keys(model.event_versioning.migrations)).toEqual(['UserCreated_v1_to_v2', 'OrderCreated_v2_to_v3']);
  });

  it('passes check inside the whole seed too (no diagnostic about event_versioning)', async () => {
    const all = await loadConfig(join(import.meta.dirname, '../fixtures/seeds/000_all.tsk'), { mode: 'check', env: {} });
    expect(all.diagnostics.filter((d) => JSON.stringify(d).includes('event_versioning'))).toEqual([]);
  });

  it('UserCreated_v1_to_v2 adds profile, removes age and splits name', () => {
    const upcast = buildUpcaster(model);
    const v1 = stored('UserCreated', 1, { email: 'ada@example.com', name: 'Ada Lovelace', age: 36 });
    expect(upcast(v1)).toEqual({
      ...v1,
      eventVersion: 2,
      data: { email: 'ada@example.com', first_name: 'Ada', last_name: 'Lovelace', profile: null },
    });
    expect(upcast.newestVersion?.('UserCreated')).toBe(2);
  });

  it('OrderCreated_v2_to_v3 adds shipping_address and normalises items (a v1 event too: nothing migrates it below v2)', () => {
    const upcast = buildUpcaster(model);
    const v2 = stored('OrderCreated', 2, { customer_id: 'c1', items: [{ productId: 'p1', qty: 2, price: '9.50' }, 'p2'] });
    const v3data = {
      customer_id: 'c1',
      items: [
        { product_id: 'p1', quantity: 2, unit_price: 9.5 },
        { product_id: 'p2', quantity: 1, unit_price: null },
      ],
      shipping_address: null,
    };
    expect(upcast(v2)).toEqual({ ...v2, eventVersion: 3, data: v3data });
    expect(upcast(stored('OrderCreated', 1, v2.data))).toMatchObject({ eventVersion: 3, data: v3data });
    const v3 = stored('OrderCreated', 3, v3data);
    expect(upcast(v3)).toBe(v3);
    expect(upcast.newestVersion?.('OrderCreated')).toBe(3);
  });
});

describe('seed 000 migrations through the engine', () => {
  let store: EventStore;
  let runtime: Runtime;
  beforeAll(async () => {
    store = await memoryStore();
    runtime = new Runtime({ model, store, upcaster: buildUpcaster(model), logger: pino({ level: 'silent' }) });
  });
  afterAll(async () => {
    await runtime?.close();
  });

  it('loads state from old stored versions upcast, and writes new events at the newest versions', async () => {
    // What an older deployment wrote: UserCreated v1, OrderCreated v2.
    const old = (type: string, eventVersion: number, data: unknown) => ({
      id: crypto.randomUUID(),
      type,
      eventVersion,
      data,
      metadata: {},
      timestamp: new Date(),
    });
    await store.append({
      streamType: 'user',
      streamId: 'u1',
      expectedVersion: 'no_stream',
      events: [old('UserCreated', 1, { email: 'a@x.io', name: 'Alan Turing', age: 41 })],
    });
    await store.append({
      streamType: 'order',
      streamId: 'o1',
      expectedVersion: 'no_stream',
      events: [old('OrderCreated', 2, { customer_id: 'c', items: { p1: 3 } })],
    });

    expect((await runtime.aggregate('user', 'u1')).state).toEqual({
      email: 'a@x.io',
      first_name: 'Alan',
      last_name: 'Turing',
      profile: null,
    });
    expect((await runtime.aggregate('order', 'o1')).state).toEqual({
      status: 'pending',
      customer_id: 'c',
      items: [{ product_id: 'p1', quantity: 3, unit_price: null }],
      shipping_address: null,
    });

    const user = await runtime.command({
      aggregateType: 'user',
      aggregateId: 'u2',
      command: 'CreateUser',
      input: { email: 'g@x.io', first_name: 'Grace' },
    });
    const order = await runtime.command({
      aggregateType: 'order',
      aggregateId: 'o2',
      command: 'CreateOrder',
      input: { customer_id: 'c', items: [] },
    });
    expect([user.events[0]!.event_version, order.events[0]!.event_version]).toEqual([2, 3]);
    const [raw] = await store.readStream('order', 'o2');
    expect(raw!.eventVersion).toBe(3);
  });
});
