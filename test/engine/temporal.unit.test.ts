import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getDefinition } from '../../src/engine/compileAggregate.js';
import type { EngineContext } from '../../src/engine/EngineContext.js';
import { handleCommand } from '../../src/engine/handleCommand.js';
import { getAggregate, loadAggregate } from '../../src/engine/loadAggregate.js';
import type { EventStore } from '../../src/store/EventStore.js';
import { engineContext, errorOf, memoryStore, shopModel } from './fixtures.js';

let store: EventStore;
let ctx: EngineContext;

beforeAll(async () => {
  store = await memoryStore();
  ctx = engineContext(shopModel(), store);
});
afterAll(async () => {
  await store?.close();
});

const tick = () => new Promise((r) => setTimeout(r, 15));

describe('temporal reads', () => {
  it('returns the state as of a version or a timestamp', async () => {
    const order = getDefinition(ctx.definitions, 'order');
    const run = (command: string, input: unknown = {}) =>
      handleCommand(ctx, { aggregateType: 'order', aggregateId: 'o-t', command, input });
    const created = await run('CreateOrder', { customer_id: 'c' });
    await tick();
    const added = await run('AddItem', { product_id: 'p', quantity: 2, unit_price: 3 });
    await tick();
    await run('Confirm');

    expect((await loadAggregate(ctx, order, 'o-t', { version: 1 })).state).toMatchObject({ status: 'pending', total: 0 });
    expect((await loadAggregate(ctx, order, 'o-t', { version: 2 })).state).toMatchObject({ status: 'pending', total: 6 });
    const latest = await loadAggregate(ctx, order, 'o-t');
    expect(latest).toMatchObject({ version: 3, state: { status: 'confirmed', total: 6 } });

    const atAdd = await loadAggregate(ctx, order, 'o-t', { asOf: new Date(added.events[0]!.timestamp) });
    expect(atAdd).toMatchObject({ version: 2, state: { status: 'pending', total: 6 } });
    const atCreate = await loadAggregate(ctx, order, 'o-t', { asOf: new Date(created.events[0]!.timestamp) });
    expect(atCreate.version).toBe(1);
    const before = await errorOf(() =>
      getAggregate(ctx, order, 'o-t', { asOf: new Date(Date.parse(created.events[0]!.timestamp) - 60_000) }),
    );
    expect(before.code).toBe('STREAM_NOT_FOUND');
  });

  it('does not use a snapshot newer than the requested version or time', async () => {
    const counter = getDefinition(ctx.definitions, 'counter');
    await handleCommand(ctx, { aggregateType: 'counter', aggregateId: 'k', command: 'Start', input: {} });
    const results = [];
    for (let i = 0; i < 120; i++)
      results.push(await handleCommand(ctx, { aggregateType: 'counter', aggregateId: 'k', command: 'Increment', input: { by: 1 } }));
    expect(await store.loadSnapshot('counter', 'k', counter.configHash)).toMatchObject({ version: 100 });
    expect((await loadAggregate(ctx, counter, 'k', { version: 50 })).state).toEqual({ n: 49, total: 49 });
    const at60 = results[58]!.events[0]!; // the event at version 60
    const asOf = await loadAggregate(ctx, counter, 'k', { asOf: new Date(at60.timestamp) });
    expect(asOf.version).toBeGreaterThanOrEqual(60);
    expect(asOf.version).toBeLessThan(100);
    expect(asOf.state.n).toBe(asOf.version - 1);
  });
});
