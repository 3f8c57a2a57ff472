/**
 * The in-process hot tier (MemoryStateCache) and the command path that trusts it (issue 8):
 * two engines on one store stand for two `serve` processes, each with its own cache. A
 * command decided on a state that another process has moved past must get the answer the
 * stored state gives — never a stale 409/422, never a lost or duplicated version.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EngineContext } from '../../src/engine/EngineContext.js';
import { getDefinition } from '../../src/engine/compileAggregate.js';
import { handleCommand, type CommandRequest } from '../../src/engine/handleCommand.js';
import { loadAggregate } from '../../src/engine/loadAggregate.js';
import { MemoryStateCache } from '../../src/engine/MemoryStateCache.js';
import type { EventStore } from '../../src/store/EventStore.js';
import { countingStore, engineContext, errorOf, memoryStore, shopModel } from './fixtures.js';

let store: EventStore;
let a: EngineContext;
let b: EngineContext;
const model = shopModel();

beforeAll(async () => {
  store = await memoryStore();
  a = { ...engineContext(model, store), stateCache: new MemoryStateCache() };
  b = { ...engineContext(model, store), stateCache: new MemoryStateCache() };
});
afterAll(async () => {
  await store?.close();
});

let seq = 0;
const order = async (ctx: EngineContext) => {
  const id = `cached-${++seq}`;
  await run(ctx, id, 'CreateOrder', { customer_id: 'c' });
  return id;
};
const run = (ctx: EngineContext, aggregateId: string, command: string, input: unknown = {}, extra: Partial<CommandRequest> = {}) =>
  handleCommand(ctx, { aggregateType: 'order', aggregateId, command, input, ...extra });
const item = { product_id: 'p', quantity: 1, unit_price: 2 };

describe('MemoryStateCache', () => {
  it('keeps its own frozen copy: the state handed in may change, the cached one cannot', async () => {
    const cache = new MemoryStateCache();
    const state = { n: 1, list: [1], nested: { deep: [{ x: 1 }] } };
    cache.set('t', '1', 'h', { version: 1, state });
    state.list.push(2);
    state.n = 9;
    const got = (await cache.get('t', '1', 'h'))!;
    expect(got.state).toEqual({ n: 1, list: [1], nested: { deep: [{ x: 1 }] } });
    expect(() => (got.state.list as number[]).push(2)).toThrow(TypeError);
    expect(() => ((got.state.nested as { deep: { x: number }[] }).deep[0]!.x = 2)).toThrow(TypeError);
    expect(await cache.get('t', '1', 'other-config')).toBeUndefined();
  });

  it('never goes back to an older version, and forgets the oldest entries past its capacity', async () => {
    const cache = new MemoryStateCache(2);
    cache.set('t', '1', 'h', { version: 5, state: { v: 5 } });
    cache.set('t', '1', 'h', { version: 4, state: { v: 4 } });
    expect((await cache.get('t', '1', 'h'))!.version).toBe(5);
    cache.set('t', '2', 'h', { version: 1, state: {} });
    cache.set('t', '3', 'h', { version: 1, state: {} });
    expect(await cache.get('t', '1', 'h')).toBeUndefined();
    expect(await cache.get('t', '3', 'h')).toBeDefined();
  });

  it('refuses a state read before a drop (a forget), and drops the entry it would have replaced', async () => {
    const cache = new MemoryStateCache();
    const before = cache.generation();
    cache.set('t', '1', 'h', { version: 1, state: { v: 1 } }, before);
    cache.delete('t', '2');
    cache.set('t', '1', 'h', { version: 2, state: { v: 2 } }, before);
    expect(await cache.get('t', '1', 'h')).toBeUndefined();
    cache.set('t', '1', 'h', { version: 2, state: { v: 2 } }, cache.generation());
    expect((await cache.get('t', '1', 'h'))!.version).toBe(2);
  });
});

describe('commands decided on a cached state', () => {
  it('save the read: a command on a cached aggregate reads no event', async () => {
    const counting = countingStore(store);
    const ctx = { ...a, store: counting.store };
    const id = await order(ctx);
    await run(ctx, id, 'AddItem', item);
    counting.reset();
    await run(ctx, id, 'AddItem', item);
    expect(counting.readEvents()).toBe(0);
    expect((await loadAggregate(b, getDefinition(b.definitions, 'order'), id)).state).toMatchObject({ total: 4 });
  });

  it('a creating command reads nothing (no snapshot, no stream): its no_stream append is the check', async () => {
    const reads: string[] = [];
    const watched = new Proxy(store, {
      get(target, prop) {
        const value: unknown = Reflect.get(target, prop, target);
        if (typeof value !== 'function') return value;
        if (prop === 'readStream' || prop === 'loadSnapshot' || prop === 'streamVersion') reads.push(String(prop));
        return (value as (...args: unknown[]) => unknown).bind(target);
      },
    });
    const ctx = { ...engineContext(model, watched), stateCache: new MemoryStateCache() };
    const id = await order(ctx);
    expect(reads).toEqual([]);
    // The stream exists now: the same creating command is decided again on the stored state.
    const refused = await errorOf(() => run(ctx, id, 'CreateOrder', { customer_id: 'other' }));
    expect(refused.code).toBe('STREAM_EXISTS');
    expect(refused.message).toContain('already exists');
    const loaded = await loadAggregate(b, getDefinition(b.definitions, 'order'), id);
    expect(loaded).toMatchObject({ version: 1, state: { customer_id: 'c' } });
  });

  it('succeed on the stored state when another process appended (conflict, then decided again)', async () => {
    const id = await order(a);
    await run(a, id, 'AddItem', item); // a caches version 2
    await run(b, id, 'AddItem', item); // the stream is now at 3
    const result = await run(a, id, 'AddItem', item);
    expect(result.version).toBe(4);
    const loaded = await loadAggregate(b, getDefinition(b.definitions, 'order'), id);
    expect(loaded).toMatchObject({ version: 4, state: { total: 6 } });
    expect((loaded.state.items as unknown[]).length).toBe(3);
  });

  it('do not answer a rule violation that only the stale state shows', async () => {
    const id = await order(a); // a caches status 'pending'
    await run(b, id, 'Confirm'); // now 'confirmed'
    // pending → shipped is not a valid transition, confirmed → shipped is.
    const result = await run(a, id, 'Ship');
    expect(result.events.map((e) => e.type)).toEqual(['OrderShipped']);
    expect((await loadAggregate(b, getDefinition(b.definitions, 'order'), id)).state.status).toBe('shipped');
  });

  it('still answer a rule violation the stored state shows, writing nothing', async () => {
    const id = await order(a); // a caches status 'pending'
    await run(b, id, 'Cancel', { reason: 'r' });
    const error = await errorOf(() => run(a, id, 'AddItem', item));
    expect(error.code).toBe('RULE_VIOLATION');
    expect(await store.streamVersion('order', id)).toBe(2);
  });

  it('accept an If-Match newer than the cached version, and refuse a stale one with 409', async () => {
    const id = await order(a); // a caches version 1
    await run(b, id, 'AddItem', item); // version 2
    const ok = await run(a, id, 'AddItem', item, { expectedVersion: 2 });
    expect(ok.version).toBe(3);
    await run(b, id, 'AddItem', { ...item, product_id: 'q' }); // version 4, a still caches 3
    const error = await errorOf(() => run(a, id, 'AddItem', item, { expectedVersion: 3 }));
    expect(error.code).toBe('VERSION_CONFLICT');
    expect(await store.streamVersion('order', id)).toBe(4);
  });
});
