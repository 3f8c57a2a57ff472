/**
 * The saga runner on an embedded store (PGlite in memory): event triggers (one saga per event,
 * from the deployment on), crash recovery of an unrecorded dispatch, two racing runners, a
 * shutdown in the middle of a call, and the saga_instances index.
 */
import { pino } from 'pino';
import { Registry } from 'prom-client';
import { afterEach, describe, expect, it } from 'vitest';
import type { AppConfig } from '../../src/config/schema/index.js';
import { Runtime } from '../../src/runtime/Runtime.js';
import { compileSaga, type SagaDefinition } from '../../src/sagas/compileSaga.js';
import { driveSaga, type DriveContext } from '../../src/sagas/driveSaga.js';
import { resolveAction } from '../../src/sagas/resolveAction.js';
import { SagaMetrics } from '../../src/sagas/SagaMetrics.js';
import { createSagasFeature } from '../../src/sagas/sagasFeature.js';
import { SAGA_EVENTS, SAGA_STREAM_TYPE } from '../../src/sagas/sagaEvents.js';
import { actionKey, sagaIdForEvent } from '../../src/sagas/sagaIds.js';
import { appendSagaEvent, loadSaga } from '../../src/sagas/sagaStream.js';
import { sagaView } from '../../src/sagas/sagaView.js';
import { startSaga } from '../../src/sagas/startSaga.js';
import type { EventStore } from '../../src/store/EventStore.js';
import { openEventStore } from '../../src/store/index.js';
import { modelOf, startEndpoint, type Endpoint } from './helpers.js';

const SHOP = `
event_store = { type = "embedded", data_dir = "memory://" }
aggregates = {
    order = {
        commands = { PlaceOrder = { creates = true, input = { account = "string", qty = "integer" }, emits = "OrderPlaced" } }
    }
    account = {
        state = { held = 0 }
        commands = {
            Open = { creates = true, emits = "Opened" }
            Hold = { input = { order_id = "string", qty = "integer" }, emits = "Held" }
            Unhold = { input = { order_id = "string", qty = "integer" }, emits = "Unheld" }
        }
        apply = { Held = { held = "held + data.qty" }, Unheld = { held = "held - data.qty" } }
    }
}
`;

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

const silent = pino({ level: 'silent' });

async function storeOf(model: AppConfig): Promise<EventStore> {
  const store = await openEventStore(model.event_store);
  cleanups.push(() => store.close());
  return store;
}

/** A runtime on `store` (which outlives it), with the sagas feature installed when `sagas` is true. */
async function runtimeOf(model: AppConfig, store: EventStore, sagas = true): Promise<Runtime> {
  const runtime = new Runtime({ model, store, logger: silent, ownsStore: false });
  if (sagas) await createSagasFeature({ pollMs: 20, leaseTtlMs: 1000 }).install!(runtime);
  cleanups.push(() => runtime.close());
  return runtime;
}

async function until<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

const finished = (store: EventStore, id: string) =>
  until(`saga ${id}`, async () => {
    const s = await loadSaga(store, id);
    return s !== undefined && ['completed', 'compensated', 'failed', 'timed_out'].includes(s.status) ? s : undefined;
  });

const types = async (store: EventStore, type: string, id: string) => (await store.readStream(type, id)).map((e) => e.type);

const HOLD_SAGA = `
sagas = {
    hold = {
        starts_on = "OrderPlaced"
        steps = [
            { name = "hold", command = "Hold", compensation = "Unhold", target = "data.account", input = { order_id = "aggregate_id", qty = "data.qty" } }
        ]
    }
}`;

describe('event-triggered sagas', () => {
  it('start once per triggering event, also when the log is read again', async () => {
    const model = await modelOf(SHOP + HOLD_SAGA);
    const store = await storeOf(model);
    const runtime = await runtimeOf(model, store);
    await runtime.command({ aggregateType: 'account', aggregateId: 'acc', command: 'Open', input: {} });
    const placed = [];
    for (let i = 0; i < 3; i++)
      placed.push(
        await runtime.command({
          aggregateType: 'order',
          aggregateId: `o${i}`,
          command: 'PlaceOrder',
          input: { account: 'acc', qty: i + 1 },
        }),
      );
    for (const p of placed) expect((await finished(store, sagaIdForEvent('hold', p.events[0]!))).status).toBe('completed');
    expect((await runtime.aggregate('account', 'acc')).state).toEqual({ held: 6 });
    const holds = (await store.readStream('account', 'acc')).filter((e) => e.type === 'Held').map((e) => e.data);
    expect(holds).toEqual([
      { order_id: 'o0', qty: 1 },
      { order_id: 'o1', qty: 2 },
      { order_id: 'o2', qty: 3 },
    ]);

    // Rewind the trigger checkpoint: the reader meets the same events again and starts nothing new.
    await store.saveCheckpoint('saga-trigger:hold', 0);
    const head = await store.headPosition();
    await until('the reader to catch up', async () => ((await store.loadCheckpoint('saga-trigger:hold')) > 0 ? true : undefined));
    const starts = await store.readAll({ after: 0, limit: 1000, types: [SAGA_EVENTS.started] });
    expect(starts).toHaveLength(3);
    expect(await store.readAll({ after: head, limit: 1000, types: ['Held'] })).toEqual([]);
  });

  it('start for events appended after the saga was deployed, not for older ones', async () => {
    const model = await modelOf(SHOP + HOLD_SAGA);
    const store = await storeOf(model);
    const before = await runtimeOf(model, store, false);
    await before.command({ aggregateType: 'account', aggregateId: 'acc', command: 'Open', input: {} });
    await before.command({ aggregateType: 'order', aggregateId: 'old', command: 'PlaceOrder', input: { account: 'acc', qty: 5 } });
    await before.close();

    const runtime = await runtimeOf(model, store);
    const placed = await runtime.command({
      aggregateType: 'order',
      aggregateId: 'new',
      command: 'PlaceOrder',
      input: { account: 'acc', qty: 2 },
    });
    expect((await finished(store, sagaIdForEvent('hold', placed.events[0]!))).status).toBe('completed');
    expect((await runtime.aggregate('account', 'acc')).state).toEqual({ held: 2 });
    expect(await store.readAll({ after: 0, limit: 100, types: [SAGA_EVENTS.started] })).toHaveLength(1);
  });
});

describe('recovery', () => {
  const TWO_STEPS = `
sagas = {
    two = {
        steps = [
            { name = "first", command = "Hold", input = { order_id = "'x'", qty = "data.qty" } },
            { name = "second", command = "Hold", input = { order_id = "'y'", qty = "1" } }
        ]
    }
}`;

  async function manual(text: string): Promise<{ runtime: Runtime; store: EventStore; def: SagaDefinition; ctx: () => DriveContext }> {
    const model = await modelOf(SHOP + text);
    const store = await storeOf(model);
    const runtime = await runtimeOf(model, store, false);
    const [name, config] = Object.entries(model.sagas)[0]!;
    const def = compileSaga(name, config, runtime.definitions);
    const ctx = (): DriveContext => ({
      runtime,
      definitions: new Map([[name, def]]),
      metrics: new SagaMetrics(new Registry()),
      shutdown: new AbortController().signal,
      mayContinue: () => true,
    });
    return { runtime, store, def, ctx };
  }

  it('dispatches a command again after a crash between its dispatch and its record, without applying it twice', async () => {
    const { runtime, store, def, ctx } = await manual(TWO_STEPS);
    await runtime.command({ aggregateType: 'account', aggregateId: 'acc', command: 'Open', input: {} });
    await startSaga(store, def, { id: 's1', data: { qty: 4 }, aggregateId: 'acc', trigger: null });
    // What a runner did before it died: recorded the attempt, dispatched it, and nothing more.
    const state = (await loadSaga(store, 's1'))!;
    const action = resolveAction(def, state, 'step', 0, new Date());
    await appendSagaEvent(store, state, state.version, SAGA_EVENTS.stepStarted, { step: 0, name: 'first', attempt: 1, action });
    if (action.kind !== 'command') throw new Error('expected a command');
    await runtime.command({
      aggregateType: action.aggregate_type,
      aggregateId: action.aggregate_id!,
      command: action.command,
      input: action.input,
      idempotencyKey: actionKey('s1', 0, false),
    });

    expect(await driveSaga(ctx(), 's1')).toBe('finished');
    const done = (await loadSaga(store, 's1'))!;
    expect(done.status).toBe('completed');
    expect(await types(store, 'account', 'acc')).toEqual(['Opened', 'Held', 'Held']);
    expect((await runtime.aggregate('account', 'acc')).state).toEqual({ held: 5 });
    expect(sagaView(done, def).steps[0]).toMatchObject({
      status: 'succeeded',
      attempts: 1,
      log: [{ attempt: 1, status: 'succeeded', resumed: true }],
    });
  });

  it('applies each command once when two runners drive the same sagas at the same time', async () => {
    const { runtime, store, def, ctx } = await manual(TWO_STEPS);
    const ids = Array.from({ length: 8 }, (_, i) => `race-${i}`);
    for (const id of ids) {
      await runtime.command({ aggregateType: 'account', aggregateId: id, command: 'Open', input: {} });
      await startSaga(store, def, { id, data: { qty: 2 }, aggregateId: id, trigger: null });
    }
    await Promise.all(ids.flatMap((id) => [driveSaga(ctx(), id), driveSaga(ctx(), id), driveSaga(ctx(), id)]));
    for (const id of ids) {
      expect((await loadSaga(store, id))!.status).toBe('completed');
      expect(await types(store, 'account', id)).toEqual(['Opened', 'Held', 'Held']);
    }
  });
});

describe('the orchestrator', () => {
  let endpoint: Endpoint | undefined;
  afterEach(async () => {
    await endpoint?.close();
    endpoint = undefined;
  });

  it(
    'stops in the middle of a call without waiting for it, and the next runner repeats it with the same key',
    { timeout: 120_000 },
    async () => {
      const ep = (endpoint = await startEndpoint((_path, n) => (n === 1 ? 'hold' : { status: 200, body: { done: true } })));
      const model = await modelOf(`${SHOP}
sagas = {
    notify = {
        steps = [
            { name = "hold", command = "Hold", input = { order_id = "'o'", qty = "1" } },
            { name = "tell", call = { url = "${ep.url}/tell", timeout = "8s" } }
        ]
    }
}`);
      const store = await storeOf(model);
      const first = await runtimeOf(model, store);
      await first.command({ aggregateType: 'account', aggregateId: 'acc', command: 'Open', input: {} });
      await startSaga(store, compileSaga('notify', model.sagas.notify!, first.definitions), {
        id: 'n1',
        data: {},
        aggregateId: 'acc',
        trigger: null,
      });
      await ep.waitFor('/tell', 1);
      const stopping = Date.now();
      await first.close();
      // waiting for the held call would take its whole 8 s timeout
      expect(Date.now() - stopping).toBeLessThan(6000);
      const interrupted = (await loadSaga(store, 'n1'))!;
      expect(interrupted.status).toBe('running');
      expect(interrupted.steps[1]!.step.inFlight?.attempt).toBe(1);

      await runtimeOf(model, store);
      expect((await finished(store, 'n1')).status).toBe('completed');
      const calls = ep.to('/tell');
      expect(calls).toHaveLength(2);
      expect(calls[1]!.headers['idempotency-key']).toBe(calls[0]!.headers['idempotency-key']);
      // Not before the first call's timeout (and a grace second) had passed since it was recorded.
      expect(calls[1]!.at).toBeGreaterThanOrEqual(interrupted.steps[1]!.step.inFlight!.since + 9000);
      expect(await types(store, 'account', 'acc')).toEqual(['Opened', 'Held']);
    },
  );

  it('keeps the saga_instances index in step with the saga streams', async () => {
    const ep = (endpoint = await startEndpoint(() => ({ status: 500 })));
    const model = await modelOf(`${SHOP}
sagas = {
    failing = {
        timeout = "1 hour"
        retry_policy = { max_retries = 1, initial_delay = "400ms" }
        steps = [{ name = "tell", call = { url = "${ep.url}/tell" } }]
    }
}`);
    const store = await storeOf(model);
    await runtimeOf(model, store);
    const def = compileSaga('failing', model.sagas.failing!, new Map());
    await startSaga(store, def, { id: 'f1', data: {}, aggregateId: null, trigger: null });
    const row = async () =>
      (
        await store.query<{ name: string; status: string; next_due_at: Date | null; deadline: Date | null; version: number }>(
          `SELECT name, status, next_due_at, deadline, version FROM ${store.tables.table('saga_instances')} WHERE id = $1`,
          ['f1'],
        )
      ).rows[0]!;
    const waiting = await until('the first failure', async () => {
      const s = await loadSaga(store, 'f1');
      return s?.steps[0]?.step.nextAttemptAt !== undefined ? s : undefined;
    });
    const r = await row();
    expect(r).toMatchObject({ name: 'failing', status: 'running', version: waiting.version });
    expect(new Date(r.next_due_at!).getTime()).toBe(waiting.steps[0]!.step.nextAttemptAt);
    expect(new Date(r.deadline!).getTime()).toBe(waiting.deadline);

    const done = await finished(store, 'f1');
    expect(done.status).toBe('compensated');
    expect(await row()).toMatchObject({ status: 'compensated', next_due_at: null, version: done.version });
    expect((await store.readStream(SAGA_STREAM_TYPE, 'f1')).at(-1)!.type).toBe(SAGA_EVENTS.compensated);
  });
});
