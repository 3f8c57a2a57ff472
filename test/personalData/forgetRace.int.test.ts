/**
 * Forgetting a subject while a read of it is in flight (issue 16 item 1, review): the read
 * decrypted the subject's fields before the forget, and must not put them back into this
 * process's caches (the state cache, the key ring) after the forget cleared them. Each test
 * holds the read at the point of the race with a gate (no timing luck): after the real read,
 * before the caching; then forgets over HTTP, opens the gate, and reads again.
 */
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Runtime } from '../../src/runtime/Runtime.js';
import type { EventStore, SqlExecutor } from '../../src/store/EventStore.js';
import { personalDataOf } from '../../src/personalData/withPersonalData.js';
import { createTestDatabase } from '../support/postgres.js';
import { startTestApp, type TestApp } from '../http/helpers.js';
import { modelOf } from '../projections/helpers.js';
import { ALICE, personalApp } from './helpers.js';

let app: TestApp;
let runtime: Runtime;

beforeAll(async () => {
  const url = await createTestDatabase(inject('pgUrl'));
  app = await startTestApp(await modelOf(personalApp(`type = "postgresql", connection = "${url}"`)));
  runtime = app.started.runtime;
}, 120_000);

afterAll(async () => {
  await app?.close();
});

/** A gate: `reached` resolves when the held call got there; `open()` lets it go on. */
function gate() {
  let arrive!: () => void;
  let open!: () => void;
  const reached = new Promise<void>((resolve) => (arrive = resolve));
  const opened = new Promise<void>((resolve) => (open = resolve));
  return { reached, open, hold: () => (arrive(), opened) };
}

/** `store` with `method` held at its gate, after the real call, for calls whose stream id is `id`. */
function holding(store: EventStore, method: 'readStream' | 'append', id: string, g: ReturnType<typeof gate>): EventStore {
  return new Proxy(store, {
    get(target, prop) {
      const value = Reflect.get(target, prop, target) as unknown;
      if (typeof value !== 'function') return value;
      const bound = (value as (...args: unknown[]) => unknown).bind(target);
      if (prop !== method) return bound;
      return async (...args: unknown[]) => {
        const result = await bound(...args);
        const streamId = method === 'readStream' ? args[1] : (args[0] as { streamId: string }).streamId;
        if (streamId === id) await g.hold();
        return result;
      };
    },
  });
}

const register = async (id: string) => {
  const res = await app.api('POST', `/aggregates/user/${id}/commands/Register`, { ...ALICE, plan: 'free' });
  expect(res.status, JSON.stringify(res.body)).toBe(200);
};

const forget = async (id: string) => {
  const res = await app.api('DELETE', `/subjects/${id}`);
  expect(res.status, JSON.stringify(res.body)).toBe(200);
};

/** The state GET /aggregates serves now, whose personal fields must read as erased. */
const erasedStateOf = async (id: string) => {
  const res = await app.api('GET', `/aggregates/user/${id}`);
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  const state = res.body.state as Record<string, unknown>;
  expect(state.email).not.toBe(ALICE.email);
  expect(state.name).not.toBe(ALICE.name);
  return state;
};

/** Runs `start` with the engine's store held at `method` for `id`, and forgets `id` while it is held. */
async function forgetDuring(method: 'readStream' | 'append', id: string, start: () => Promise<unknown>): Promise<void> {
  const store = runtime.engine.store;
  const g = gate();
  runtime.engine.store = holding(store, method, id, g);
  try {
    const inFlight = start();
    await g.reached;
    await forget(id);
    g.open();
    await inFlight;
  } finally {
    runtime.engine.store = store;
  }
}

describe('a forget racing a read', () => {
  it('a load that read the plaintext before the forget does not cache it after', async () => {
    const id = 'race-load';
    await register(id);
    // nothing cached: the load folds the stream it reads (decrypted) and caches the result
    runtime.engine.stateCache!.clear!();
    await forgetDuring('readStream', id, () => runtime.aggregate('user', id));
    expect((await erasedStateOf(id)).plan).toBe('free');
  }, 60_000);

  it('a command decided on the cached plaintext before the forget does not cache its new state after', async () => {
    const id = 'race-command';
    await register(id);
    // decided on the state the Register cached (plaintext), appended, held before caching
    await forgetDuring('append', id, () =>
      runtime.command({ aggregateType: 'user', aggregateId: id, command: 'ChangePlan', input: { plan: 'pro' } }),
    );
    expect((await erasedStateOf(id)).plan).toBe('pro');
  }, 60_000);

  it('a key read before the forget is not remembered after it', async () => {
    const id = 'race-key';
    await register(id);
    const personal = personalDataOf(runtime.store)!;
    const { rows } = await runtime.store.query<{ key_id: string }>(
      `SELECT key_id::text FROM ${runtime.store.tables.table('subject_keys')} WHERE subject = $1`,
      [id],
    );
    expect(rows).toHaveLength(1);
    const keyIds = new Set([rows[0]!.key_id]);
    // the key ring reads the key (nothing cached), and is held before it remembers it
    personal.keys.clear();
    const g = gate();
    const held: SqlExecutor = {
      query: async (...args: Parameters<SqlExecutor['query']>) => {
        const result = await runtime.store.query(...args);
        await g.hold();
        return result;
      },
    } as SqlExecutor;
    const inFlight = personal.keys.byIds(held, keyIds);
    await g.reached;
    await forget(id);
    g.open();
    await inFlight;
    expect((await personal.keys.byIds(runtime.store, keyIds)).get(rows[0]!.key_id)).toBeNull();
    // and what a fresh load serves (nothing cached: it decrypts with what the ring holds)
    runtime.engine.stateCache!.clear!();
    await erasedStateOf(id);
  }, 60_000);
});
