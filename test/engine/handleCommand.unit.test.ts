import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EngineContext } from '../../src/engine/EngineContext.js';
import { getDefinition } from '../../src/engine/compileAggregate.js';
import { handleCommand } from '../../src/engine/handleCommand.js';
import { loadAggregate } from '../../src/engine/loadAggregate.js';
import { MemoryStateCache } from '../../src/engine/MemoryStateCache.js';
import type { AppendRequest, EventStore } from '../../src/store/EventStore.js';
import { countingStore, engineContext, errorOf, memoryStore, shopModel } from './fixtures.js';

let store: EventStore;
let ctx: EngineContext;
const model = shopModel();

beforeAll(async () => {
  store = await memoryStore();
  ctx = engineContext(model, store);
});
afterAll(async () => {
  await store?.close();
});

let seq = 0;
const newId = () => `order-${++seq}`;
const run = (aggregateId: string | undefined, command: string, input: unknown = {}, extra: Record<string, unknown> = {}) =>
  handleCommand(ctx, { aggregateType: 'order', ...(aggregateId !== undefined ? { aggregateId } : {}), command, input, ...extra });
const state = async (type: string, id: string) => (await loadAggregate(ctx, getDefinition(ctx.definitions, type), id)).state;

describe('handleCommand', () => {
  it('creates a stream; event data is the validated input and metadata names the command', async () => {
    const id = newId();
    const result = await run(id, 'CreateOrder', { customer_id: 'c1' }, { correlationId: 'corr-1' });
    expect(result.aggregate_id).toBe(id);
    expect(result.version).toBe(1);
    expect(result.position).toBeGreaterThan(0);
    expect(result.events).toHaveLength(1);
    const [event] = result.events;
    expect(event).toMatchObject({
      type: 'OrderCreated',
      aggregate_type: 'order',
      aggregate_id: id,
      version: 1,
      event_version: 1,
      data: { customer_id: 'c1' },
    });
    expect(event!.metadata).toMatchObject({ command: 'CreateOrder', correlation_id: 'corr-1' });
    expect(typeof event!.metadata.causation_id).toBe('string');
    expect(new Date(event!.timestamp).toISOString()).toBe(event!.timestamp);
    expect(await state('order', id)).toEqual({ status: 'pending', items: [], total: 0, customer_id: 'c1' });
  });

  it("builds the events' metadata in a fixed key order: the request's keys where they are, then the command's", async () => {
    const id = newId();
    const metadata = { request_id: 'req-1', causation_id: 'client-cause', zone: 'eu' };
    const extra = { metadata, correlationId: 'corr-9', idempotencyKey: 'k-order-meta' };
    const { events } = await run(id, 'CreateOrder', { customer_id: 'c1' }, extra);
    const written = events[0]!.metadata;
    // A key of the request's metadata keeps its place (and takes the command's value); new ones follow.
    expect(Object.keys(written)).toEqual(['request_id', 'causation_id', 'zone', 'correlation_id', 'command', 'idempotency_key']);
    expect(written).toEqual({
      request_id: 'req-1',
      causation_id: written.causation_id,
      zone: 'eu',
      correlation_id: 'corr-9',
      command: 'CreateOrder',
      idempotency_key: 'k-order-meta',
    });
    expect(written.causation_id).toMatch(/^[0-9a-f-]{36}$/);
    expect(metadata).toEqual({ request_id: 'req-1', causation_id: 'client-cause', zone: 'eu' });
    const [stored] = await store.readStream('order', id, {});
    expect(stored!.metadata).toEqual(written);
    // An own `__proto__` key is kept as a key, not made the metadata's prototype.
    const odd = JSON.parse('{"__proto__": {"polluted": true}, "request_id": "req-2"}') as Record<string, unknown>;
    const second = await run(newId(), 'CreateOrder', { customer_id: 'c2' }, { metadata: odd });
    const oddWritten = second.events[0]!.metadata;
    expect(Object.keys(oddWritten)).toEqual(['__proto__', 'request_id', 'correlation_id', 'causation_id', 'command']);
    expect(Object.getPrototypeOf(oddWritten)).toBe(Object.prototype);
    expect(oddWritten.polluted).toBeUndefined();
  });

  it('makes a UUIDv7 id for creates commands sent without one', async () => {
    const result = await run(undefined, 'CreateOrder', { customer_id: 'c1' });
    expect(result.aggregate_id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });

  it('applies rules in order and evolves state with apply expressions', async () => {
    const id = newId();
    await run(id, 'CreateOrder', { customer_id: 'c1' });
    await run(id, 'AddItem', { product_id: 'p1', quantity: 2, unit_price: 5 });
    const r = await run(id, 'AddItem', { product_id: 'p2', quantity: 1, unit_price: 2.5 });
    expect(r.version).toBe(3);
    expect(await state('order', id)).toMatchObject({
      total: 12.5,
      items: [
        { product_id: 'p1', quantity: 2, unit_price: 5 },
        { product_id: 'p2', quantity: 1, unit_price: 2.5 },
      ],
    });
    await run(id, 'AddItem', { product_id: 'p3', quantity: 1, unit_price: 1 });
    const full = await errorOf(() => run(id, 'AddItem', { product_id: 'p4', quantity: 1, unit_price: 1 }));
    expect(full).toMatchObject({ code: 'RULE_VIOLATION', message: 'max_items_per_order is 3' });
    await run(id, 'Cancel', { reason: 'changed mind' });
    const notPending = await errorOf(() => run(id, 'AddItem', { product_id: 'p4', quantity: 1, unit_price: 1 }));
    expect(notPending).toMatchObject({ code: 'RULE_VIOLATION', message: 'Cannot add items to non-pending order' });
    expect((await loadAggregate(ctx, getDefinition(ctx.definitions, 'order'), id)).version).toBe(5);
  });

  it('uses the rule text when a rule has no message', async () => {
    const id = newId();
    await run(id, 'CreateOrder', { customer_id: 'c1' });
    await run(id, 'Confirm');
    await run(id, 'Ship');
    const e = await errorOf(() => run(id, 'Cancel', { reason: 'late' }));
    expect(e.code).toBe('RULE_VIOLATION');
    expect(e.message).toContain("status != 'shipped'");
  });

  it('maps emit data with expressions evaluated against the state before the event', async () => {
    const id = newId();
    await run(id, 'CreateOrder', { customer_id: 'c1' });
    const r = await run(id, 'Cancel', { reason: 'too slow' });
    expect(r.events[0]!.data).toEqual({ reason: 'too slow', previous: 'pending' });
  });

  it('emits several events, skipping those whose `when` is false, and folds them in order', async () => {
    const id = newId();
    await run(id, 'CreateOrder', { customer_id: 'c1' });
    const r = await run(id, 'Double', { product_id: 'p' });
    expect(r.events.map((e) => [e.type, e.version, (e.data as { quantity: number }).quantity])).toEqual([
      ['OrderItemAdded', 2, 1],
      ['OrderItemAdded', 3, 2],
    ]);
    expect(r.version).toBe(3);
    expect((await state('order', id)).total).toBe(3);
  });

  it('shallow-merges the data of events without an apply entry', async () => {
    const id = newId();
    await run(id, 'CreateOrder', { customer_id: 'c1' });
    await run(id, 'Annotate', { note: 'gift', flag: true });
    expect(await state('order', id)).toMatchObject({ status: 'pending', note: 'gift', flag: true });
  });

  it('rejects status changes not in valid_status_transitions with a 422 naming both statuses', async () => {
    const id = newId();
    await run(id, 'CreateOrder', { customer_id: 'c1' });
    const e = await errorOf(() => run(id, 'Ship'));
    expect(e).toMatchObject({ code: 'INVALID_TRANSITION', message: "status cannot go from 'pending' to 'shipped'" });
    expect((await loadAggregate(ctx, getDefinition(ctx.definitions, 'order'), id)).version).toBe(1);
  });

  it('404s unknown aggregate types, unknown commands and missing streams; 409s a second create', async () => {
    expect((await errorOf(() => handleCommand(ctx, { aggregateType: 'nope', aggregateId: 'x', command: 'A', input: {} }))).code).toBe(
      'UNKNOWN_AGGREGATE_TYPE',
    );
    expect((await errorOf(() => run('x', 'Nope'))).code).toBe('UNKNOWN_COMMAND');
    const missing = newId();
    expect((await errorOf(() => run(missing, 'Confirm'))).code).toBe('STREAM_NOT_FOUND');
    expect(await store.streamVersion('order', missing)).toBe(0);
    const id = newId();
    await run(id, 'CreateOrder', { customer_id: 'c1' });
    expect((await errorOf(() => run(id, 'CreateOrder', { customer_id: 'c2' }))).code).toBe('STREAM_EXISTS');
    expect(await store.streamVersion('order', id)).toBe(1);
  });

  it('validates input before reading anything', async () => {
    const counting = countingStore(store);
    const c = { ...ctx, store: counting.store };
    const id = newId();
    await run(id, 'CreateOrder', { customer_id: 'c1' });
    counting.reset();
    const e = await errorOf(() =>
      handleCommand(c, { aggregateType: 'order', aggregateId: id, command: 'AddItem', input: { quantity: 0, extra: 1 } }),
    );
    expect(e.code).toBe('INVALID_INPUT');
    expect((e.details as { field: string }[]).map((d) => d.field).sort()).toEqual(['extra', 'product_id', 'quantity', 'unit_price']);
    expect(counting.readEvents()).toBe(0);
  });

  it('checks the expected version and writes nothing when it is stale', async () => {
    const id = newId();
    await run(id, 'CreateOrder', { customer_id: 'c1' });
    await run(id, 'AddItem', { product_id: 'p', quantity: 1, unit_price: 1 }, { expectedVersion: 1 });
    const e = await errorOf(() => run(id, 'AddItem', { product_id: 'p', quantity: 1, unit_price: 1 }, { expectedVersion: 1 }));
    expect(e.code).toBe('VERSION_CONFLICT');
    expect(await store.streamVersion('order', id)).toBe(2);
  });

  it('returns the first result for a repeated Idempotency-Key and appends nothing', async () => {
    const id = newId();
    const first = await run(id, 'CreateOrder', { customer_id: 'c1' }, { idempotencyKey: `k-${id}` });
    const again = await run(id, 'CreateOrder', { customer_id: 'c1' }, { idempotencyKey: `k-${id}` });
    expect(again).toEqual(first);
    expect(await store.streamVersion('order', id)).toBe(1);
    const add = { product_id: 'p', quantity: 1, unit_price: 1 };
    const firstAdd = await run(id, 'AddItem', add, { idempotencyKey: `a-${id}` });
    const [x, y] = await Promise.all([
      run(id, 'AddItem', add, { idempotencyKey: `a-${id}` }),
      run(id, 'AddItem', add, { idempotencyKey: `a-${id}` }),
    ]);
    expect(x).toEqual(firstAdd);
    expect(y).toEqual(firstAdd);
    expect(await store.streamVersion('order', id)).toBe(2);
    const misuse = await errorOf(() => run(id, 'AddItem', { ...add, quantity: 2 }, { idempotencyKey: `a-${id}` }));
    expect(misuse.code).toBe('IDEMPOTENCY_CONFLICT');
  });

  it('answers concurrent same-key creates without an id once, with one stream', async () => {
    const key = `create-${newId()}`;
    const results = await Promise.all(
      Array.from({ length: 5 }, () => run(undefined, 'CreateOrder', { customer_id: 'c9' }, { idempotencyKey: key })),
    );
    expect(new Set(results.map((r) => r.aggregate_id)).size).toBe(1);
    expect(await store.streamVersion('order', results[0]!.aggregate_id)).toBe(1);
  });

  it('serialises concurrent commands without If-Match: no lost and no duplicate versions', async () => {
    const id = newId();
    await run(id, 'CreateOrder', { customer_id: 'c1' });
    const results = await Promise.all(Array.from({ length: 40 }, (_, i) => run(id, 'Annotate', { note: `n${i}` })));
    expect(results.map((r) => r.version).sort((a, b) => a - b)).toEqual(Array.from({ length: 40 }, (_, i) => i + 2));
    const events = await store.readStream('order', id, {});
    expect(events.map((e) => e.version)).toEqual(Array.from({ length: 41 }, (_, i) => i + 1));
  });

  it('publishes appended events on the live bus', async () => {
    const seen: string[] = [];
    const off = ctx.bus.subscribe((events) => seen.push(...events.map((e) => e.type)));
    await run(newId(), 'CreateOrder', { customer_id: 'c1' });
    off();
    expect(seen).toEqual(['OrderCreated']);
  });
});

describe('the per-stream queue', () => {
  it('a creating command given no id takes no turn in it; concurrent commands of one named stream still queue', async () => {
    const keys: string[] = [];
    const queued = engineContext(model, store);
    const run = queued.mutex.run.bind(queued.mutex);
    queued.mutex.run = (key, task) => (keys.push(key), run(key, task));
    const created = await Promise.all(
      Array.from({ length: 4 }, () =>
        handleCommand(queued, { aggregateType: 'order', command: 'CreateOrder', input: { customer_id: 'c' } }),
      ),
    );
    expect(new Set(created.map((r) => r.aggregate_id)).size).toBe(4);
    expect(keys).toEqual([]);
    const id = created[0]!.aggregate_id;
    const added = await Promise.all(
      [1, 2].map((q) =>
        handleCommand(queued, {
          aggregateType: 'order',
          aggregateId: id,
          command: 'AddItem',
          input: { product_id: 'p', quantity: q, unit_price: 1 },
        }),
      ),
    );
    expect(added.map((r) => r.version).sort()).toEqual([2, 3]);
    expect(keys).toEqual([`order\u0000${id}`, `order\u0000${id}`]);
  });
});

describe('the state cache', () => {
  it('is not asked for an id made for a creating command; a named one is, and a cached stream fails to be created again', async () => {
    const cache = new MemoryStateCache();
    const peeked: string[] = [];
    const peek = cache.peek.bind(cache);
    cache.peek = (type, id, hash) => (peeked.push(id), peek(type, id, hash));
    const cached = { ...engineContext(model, store), stateCache: cache };
    const made = await handleCommand(cached, { aggregateType: 'order', command: 'CreateOrder', input: { customer_id: 'c' } });
    expect(peeked).toEqual([]);
    // the made stream's state is cached for the commands that follow (read-your-writes)
    expect(peek('order', made.aggregate_id, getDefinition(cached.definitions, 'order').configHash)?.version).toBe(1);
    await handleCommand(cached, {
      aggregateType: 'order',
      aggregateId: made.aggregate_id,
      command: 'AddItem',
      input: { product_id: 'p', quantity: 1, unit_price: 1 },
    });
    expect(peeked).toEqual([made.aggregate_id]);
    const again = await errorOf(() =>
      handleCommand(cached, {
        aggregateType: 'order',
        aggregateId: made.aggregate_id,
        command: 'CreateOrder',
        input: { customer_id: 'c' },
      }),
    );
    expect(again.code).toBe('STREAM_EXISTS');
    expect(peeked.length).toBeGreaterThan(1);
    expect(new Set(peeked)).toEqual(new Set([made.aggregate_id]));
  });
});

describe('unique fields', () => {
  const user = (aggregateId: string, command: string, input: unknown) =>
    handleCommand(ctx, { aggregateType: 'user', aggregateId, command, input });

  it('rejects a second aggregate holding the same value, and frees a value when it changes', async () => {
    await user('u1', 'Register', { email: 'ann@example.com', name: 'Ann' });
    const dup = await errorOf(() => user('u2', 'Register', { email: 'ann@example.com', name: 'Other Ann' }));
    expect(dup.code).toBe('UNIQUE_VIOLATION');
    expect(await store.streamVersion('user', 'u2')).toBe(0);
    await user('u1', 'ChangeEmail', { email: 'ann@new.example.com' });
    await user('u2', 'Register', { email: 'ann@example.com', name: 'Other Ann' });
    const taken = await errorOf(() => user('u2', 'ChangeEmail', { email: 'ann@new.example.com' }));
    expect(taken.code).toBe('UNIQUE_VIOLATION');
    expect(await store.streamVersion('user', 'u2')).toBe(1);
  });

  it('a creating command claims its values and releases none (a new stream holds nothing)', async () => {
    const sent: AppendRequest[] = [];
    const spying = new Proxy(store, {
      get(target, prop) {
        if (prop === 'append') return (r: AppendRequest) => (sent.push(r), target.append(r));
        const value: unknown = Reflect.get(target, prop, target);
        return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
      },
    });
    const spy = engineContext(model, spying);
    await handleCommand(spy, {
      aggregateType: 'user',
      aggregateId: 'u20',
      command: 'Register',
      input: { email: 'u20@example.com', name: 'U' },
    });
    await handleCommand(spy, {
      aggregateType: 'user',
      aggregateId: 'u20',
      command: 'ChangeEmail',
      input: { email: 'u20@new.example.com' },
    });
    expect(sent.map((r) => r.unique)).toEqual([
      { claim: [{ field: 'email', value: 'u20@example.com' }], release: [] },
      { claim: [{ field: 'email', value: 'u20@new.example.com' }], release: [{ field: 'email', value: 'u20@example.com' }] },
    ]);
  });

  it('lets exactly one of two concurrent registrations of one value win', async () => {
    const outcomes = await Promise.allSettled(
      ['u10', 'u11', 'u12'].map((id) => user(id, 'Register', { email: 'race@example.com', name: id })),
    );
    expect(outcomes.filter((o) => o.status === 'fulfilled')).toHaveLength(1);
    for (const o of outcomes) if (o.status === 'rejected') expect((o.reason as { code: string }).code).toBe('UNIQUE_VIOLATION');
  });
});
