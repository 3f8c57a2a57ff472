/**
 * Poison events (issue 14, acceptance 3) against a started server on a real PostgreSQL: under
 * `park` a poison event holds back only its own stream (its later events are not applied,
 * other streams' are), it is retried over the API once the cause is fixed, and nothing is
 * applied twice (rows after the retry equal a rebuild). `skip` moves on and records it,
 * `stop` stops the projection, and a saga whose start the database refuses parks too.
 *
 * The poison is real: a CHECK constraint the test adds to a table (the projection's, or the
 * event store's for saga starts) refuses one value; dropping it is the fix.
 */
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { appSchema } from '../../src/config/schema/index.js';
import { sagaIdForEvent, type TriggerRef } from '../../src/sagas/sagaIds.js';
import { startTestApp, type TestApp } from '../http/helpers.js';
import { createTestDatabase } from '../support/postgres.js';

const DEADLINE_MS = 90_000;

/** One async projection of Deposited per on_error, each refusing its own poison amount. */
const projection = (table: string, onError: string) => ({
  table,
  mode: 'async',
  batch_size: 50,
  on_error: onError,
  events: ['Deposited'],
  mapping: {
    Deposited: {
      action: 'upsert',
      fields: { id: 'aggregate_id', total: 'COALESCE(total, 0) + data.amount', deposits: 'COALESCE(deposits, 0) + 1', last: 'data.amount' },
    },
  },
});
const POISON = { parked: 5001, skipped: 5002, stopped: 5003 } as const;

let app: TestApp;
let db: pg.Client;

beforeAll(async () => {
  const url = await createTestDatabase(inject('pgUrl'));
  const model = appSchema.parse({
    event_store: { type: 'postgresql', connection: url },
    projection_defaults: { poll_interval: '50ms', retry_attempts: 1 },
    aggregates: {
      account: {
        commands: {
          Open: { creates: true, emits: 'AccountOpened' },
          Deposit: { input: { amount: 'integer' }, emits: 'Deposited' },
          Note: { input: { text: 'string' }, emits: 'Noted' },
          Touch: { emits: 'Touched' },
        },
      },
    },
    projections: { parked: projection('parked', 'park'), skipped: projection('skipped', 'skip'), stopped: projection('stopped', 'stop') },
    sagas: { audit: { starts_on: 'Noted', max_retries: 0, steps: [{ name: 'touch', command: 'Touch' }] } },
  });
  app = await startTestApp(model);
  db = new pg.Client({ connectionString: url });
  await db.connect();
  for (const [table, amount] of Object.entries(POISON))
    await db.query(`ALTER TABLE "${table}" ADD CONSTRAINT poison CHECK (last <> ${amount})`);
}, 120_000);

afterAll(async () => {
  await db?.end();
  await app?.close();
});

async function command(id: string, name: string, body: unknown = {}): Promise<{ id: string; position: number; timestamp: string }> {
  const res = await app.api('POST', `/aggregates/account/${id}/commands/${name}`, body);
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body.events[0];
}

/** A new account; its id. */
async function open(): Promise<string> {
  const res = await app.api('POST', '/aggregates/account/commands/Open', {});
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body.aggregate_id;
}

async function poll<T>(read: () => Promise<T>, ok: (value: T) => boolean, what: string): Promise<T> {
  const deadline = Date.now() + DEADLINE_MS;
  for (;;) {
    const value = await read();
    if (ok(value)) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; last: ${JSON.stringify(value)}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

interface Letter {
  id: number;
  consumer: string;
  status: string;
  position: number;
  aggregate_id: string;
  attempts: number;
  error: string;
}

async function letters(consumer: string): Promise<Letter[]> {
  const res = await app.api('GET', `/dead-letters?consumer=${encodeURIComponent(consumer)}`);
  expect(res.status).toBe(200);
  return res.body.dead_letters;
}

async function row(table: string, id: string): Promise<{ total: number; deposits: number } | undefined> {
  const res = await app.api('GET', `/projections/${table}/${id}`);
  if (res.status === 404) return undefined;
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return { total: Number(res.body.total), deposits: Number(res.body.deposits) };
}

async function rows(table: string): Promise<unknown[]> {
  const res = await app.api('GET', `/projections/${table}?limit=1000`);
  expect(res.status).toBe(200);
  return res.body.rows;
}

const same = (want: { total: number; deposits: number }) => (r: { total: number; deposits: number } | undefined) =>
  r?.total === want.total && r.deposits === want.deposits;

describe('poison events', () => {
  it('park: holds back only its own stream, is retried from the API after the fix, and nothing is applied twice', async () => {
    const [a, b] = [await open(), await open()];
    await command(a, 'Deposit', { amount: 10 });
    await command(b, 'Deposit', { amount: 20 });
    const poison = await command(a, 'Deposit', { amount: POISON.parked });
    const heldBack = [await command(a, 'Deposit', { amount: 1 }), await command(a, 'Deposit', { amount: 3 })];
    await command(b, 'Deposit', { amount: 2 });

    // The other stream goes on, also after the poison was parked.
    await poll(
      () => letters('projection:parked'),
      (l) => l.some((d) => d.status === 'parked'),
      'the parked event',
    );
    await command(b, 'Deposit', { amount: 100 });
    heldBack.push(await command(a, 'Deposit', { amount: 4 }));
    await poll(() => row('parked', b), same({ total: 122, deposits: 3 }), 'the other stream applied');
    const parked = await poll(
      () => letters('projection:parked'),
      (l) => l.filter((d) => d.status === 'held').length === 3,
      'three held events',
    );
    expect(parked.map((d) => [d.status, d.position, d.aggregate_id])).toEqual([
      ['parked', poison.position, a],
      ...heldBack.map((e) => ['held', e.position, a]),
    ]);
    expect(parked[0]!.error).toMatch(/poison/);
    expect(parked[0]!.attempts).toBe(2); // the first attempt and max_retries = 1
    // Its own stream stopped at the poison: later events are not applied.
    expect(await row('parked', a)).toEqual({ total: 10, deposits: 1 });

    const health = await app.api('GET', '/health');
    expect(health.body.details.parked['projection:parked']).toBe(4);
    const metrics = await app.api('GET', '/metrics');
    expect(metrics.body).toContain('tusk_consumer_parked_events{consumer="projection:parked"} 4');

    // Retried before the fix: still parked, one more attempt, nothing applied.
    const id = parked[0]!.id;
    const failed = await app.api('POST', `/dead-letters/${id}/retry`);
    expect(failed.status).toBe(422);
    expect(failed.body.error.code).toBe('PROJECTION_FAILED');
    const after = await letters('projection:parked');
    expect(after.map((d) => d.status)).toEqual(['parked', 'held', 'held', 'held']);
    expect(after[0]!.attempts).toBe(3);
    expect(await row('parked', a)).toEqual({ total: 10, deposits: 1 });
    const held = await app.api('POST', `/dead-letters/${after[1]!.id}/retry`);
    expect(held.status).toBe(409);
    expect(held.body.error).toMatchObject({ code: 'DEAD_LETTER_HELD', details: { parked: id } });

    // The fix, then the retry: the poison and the held events, in order, once.
    await db.query('ALTER TABLE "parked" DROP CONSTRAINT poison');
    const retried = await app.api('POST', `/dead-letters/${id}/retry`);
    expect(retried.status, JSON.stringify(retried.body)).toBe(200);
    expect(retried.body).toMatchObject({
      id,
      consumer: 'projection:parked',
      relay: null,
      delivered: true,
      released: [poison.position, ...heldBack.map((e) => e.position)],
    });
    expect(await row('parked', a)).toEqual({ total: 10 + POISON.parked + 1 + 3 + 4, deposits: 5 });
    expect(await letters('projection:parked')).toEqual([]);
    expect((await app.api('GET', '/health')).body.details.parked).toEqual({});
    expect((await app.api('POST', `/dead-letters/${id}/retry`)).body.error.code).toBe('DEAD_LETTER_NOT_FOUND');

    // The stream flows again through the worker.
    await command(a, 'Deposit', { amount: 7 });
    await poll(
      () => row('parked', a),
      same({ total: 10 + POISON.parked + 1 + 3 + 4 + 7, deposits: 6 }),
      'the released stream applied by the worker',
    );

    // Nothing was applied twice: the rows equal a rebuild's.
    const before = await rows('parked');
    const rebuild = await app.api('POST', '/projections/parked/rebuild?wait=true');
    expect(rebuild.status, JSON.stringify(rebuild.body)).toBe(200);
    expect(await rows('parked')).toEqual(before);
  });

  it('a rebuild applies the parked and held events again and removes their dead letters; the stream then flows', async () => {
    await db.query('ALTER TABLE "parked" ADD CONSTRAINT poison_again CHECK (last <> 6001)');
    const c = await open();
    await command(c, 'Deposit', { amount: 1 });
    await command(c, 'Deposit', { amount: 6001 });
    await command(c, 'Deposit', { amount: 2 });
    await poll(
      () => letters('projection:parked'),
      (l) => l.map((d) => d.status).join() === 'parked,held',
      'the parked and the held event',
    );
    expect(await row('parked', c)).toEqual({ total: 1, deposits: 1 });
    await db.query('ALTER TABLE "parked" DROP CONSTRAINT poison_again');
    const rebuild = await app.api('POST', '/projections/parked/rebuild?wait=true');
    expect(rebuild.status, JSON.stringify(rebuild.body)).toBe(200);
    expect(await row('parked', c)).toEqual({ total: 6004, deposits: 3 });
    expect(await letters('projection:parked')).toEqual([]);
    await command(c, 'Deposit', { amount: 5 });
    await poll(() => row('parked', c), same({ total: 6009, deposits: 4 }), 'the stream applied by the worker after the rebuild');
  });

  it('skip: records the poison event as a skipped dead letter and moves on, its own stream included', async () => {
    const a = await open();
    await command(a, 'Deposit', { amount: 10 });
    const poison = await command(a, 'Deposit', { amount: POISON.skipped });
    await command(a, 'Deposit', { amount: 1 });
    await poll(() => row('skipped', a), same({ total: 11, deposits: 2 }), 'the events around the skipped one');
    const skipped = await letters('projection:skipped');
    expect(skipped.map((d) => [d.status, d.position])).toEqual([['skipped', poison.position]]);
    expect((await app.api('GET', '/metrics')).body).toContain(
      'tusk_consumer_dead_letters_total{consumer="projection:skipped",status="skipped"} 1',
    );

    // A skipped event can be applied late, once, after the fix.
    await db.query('ALTER TABLE "skipped" DROP CONSTRAINT poison');
    const retried = await app.api('POST', `/dead-letters/${skipped[0]!.id}/retry`);
    expect(retried.status, JSON.stringify(retried.body)).toBe(200);
    expect(await row('skipped', a)).toEqual({ total: 11 + POISON.skipped, deposits: 3 });
    expect(await letters('projection:skipped')).toEqual([]);
  });

  it('stop: the projection stops at the poison event, writes nothing past it and records no dead letter', async () => {
    const a = await open();
    const b = await open();
    await command(a, 'Deposit', { amount: 10 });
    await command(a, 'Deposit', { amount: POISON.stopped });
    await command(b, 'Deposit', { amount: 1 });
    const status = await poll(
      async () =>
        ((await app.api('GET', '/projections')).body.projections as { name: string; worker?: string; error?: string }[]).find(
          (p) => p.name === 'stopped',
        ),
      (p) => p?.worker === 'failed',
      'the stopped projection',
    );
    expect(status!.error).toMatch(/poison/);
    expect(await row('stopped', b)).toBeUndefined();
    expect(await letters('projection:stopped')).toEqual([]);
  });

  it('a saga whose start the database refuses parks: its stream waits, other streams start, a retry starts them once', async () => {
    await db.query(
      `ALTER TABLE events ADD CONSTRAINT poison_saga CHECK (stream_type <> '$saga' OR data->'data'->>'text' IS DISTINCT FROM 'poison') NOT VALID`,
    );
    const [a, b] = [await open(), await open()];
    const poison = await command(a, 'Note', { text: 'poison' });
    const later = await command(a, 'Note', { text: 'later' });
    const other = await command(b, 'Note', { text: 'fine' });
    const saga = (e: TriggerRef) => app.api('GET', `/sagas/audit/${sagaIdForEvent('audit', e)}`);

    await poll(
      () => saga(other),
      (r) => r.status === 200 && r.body.status === 'completed',
      "the other stream's saga",
    );
    const parked = await poll(
      () => letters('saga-trigger:audit'),
      (l) => l.length === 2,
      'the parked start and the held one',
    );
    expect(parked.map((d) => [d.status, d.position])).toEqual([
      ['parked', poison.position],
      ['held', later.position],
    ]);
    expect((await saga(later)).status).toBe(404);

    await db.query('ALTER TABLE events DROP CONSTRAINT poison_saga');
    const retried = await app.api('POST', `/dead-letters/${parked[0]!.id}/retry`);
    expect(retried.status, JSON.stringify(retried.body)).toBe(200);
    expect(retried.body.released).toEqual([poison.position, later.position]);
    for (const e of [poison, later])
      await poll(
        () => saga(e),
        (r) => r.status === 200 && r.body.status === 'completed',
        'a released saga',
      );
    const touched = async () =>
      ((await app.api('GET', `/aggregates/account/${a}/events`)).body.events as { type: string }[]).filter((e) => e.type === 'Touched')
        .length;
    // One saga per Noted event: two Touched, not more (each saga started once).
    expect(await touched()).toBe(2);
    expect(await letters('saga-trigger:audit')).toEqual([]);
  });
});
