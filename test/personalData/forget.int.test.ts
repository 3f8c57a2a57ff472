/**
 * Issue 16 item 1, acceptance 1 on PostgreSQL over real HTTP: personal fields are sealed at
 * rest (a byte search of pg_dump finds none of them), and once a subject is forgotten every
 * read path (aggregate, temporal read, /events, SSE, the read model, a fresh rebuild) shows
 * its fields erased while the aggregate still folds and other subjects are unaffected.
 */
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { AppConfig } from '../../src/config/schema/index.js';
import { createTestDatabase } from '../support/postgres.js';
import { startTestApp, type TestApp } from '../http/helpers.js';
import { modelOf } from '../projections/helpers.js';
import { startReceiver, type WebhookReceiver } from '../publishers/webhookReceiver.js';
import { eventually } from '../projections/helpers.js';
import { ALICE, BOB, found, personalApp, pgDump, plaintexts, withoutTableData } from './helpers.js';

let url: string;
let model: AppConfig;
let app: TestApp;
let welcome: WebhookReceiver;

const command = async (id: string, name: string, input: unknown) => {
  const res = await app.api('POST', `/aggregates/user/${id}/commands/${name}`, input);
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body as { position: number; version: number };
};

/** Reads the SSE log from the start until the event at `position` has arrived. */
async function sseUpTo(position: number): Promise<string> {
  const controller = new AbortController();
  const res = await fetch(`${app.url}/events/live?after=0`, { signal: controller.signal });
  const reader = res.body!.getReader();
  let text = '';
  const deadline = Date.now() + 60_000;
  while (!text.includes(`id: ${position}\n`) && Date.now() < deadline) {
    const { value, done } = await reader.read();
    if (done) break;
    text += new TextDecoder().decode(value);
  }
  controller.abort();
  expect(text).toContain(`id: ${position}\n`);
  return text;
}

beforeAll(async () => {
  url = await createTestDatabase(inject('pgUrl'));
  welcome = await startReceiver('/welcome');
  // a saga started by the personal event copies its data, and its step's body copies the email
  const saga = `sagas = { welcome = { starts_on = "UserRegistered", steps = [ { name = "mail", call = { url = "${welcome.url}", body = { to = "data.email", plan = "data.plan" } }, personal_data = true } ] } }`;
  model = await modelOf(personalApp(`type = "postgresql", connection = "${url}"`, saga));
  app = await startTestApp(model);
  await command('alice', 'Register', { ...ALICE, plan: 'free' });
  await command('bob', 'Register', { ...BOB, plan: 'free' });
  await command('alice', 'ChangePlan', { plan: 'pro' });
  await command('alice', 'ChangeEmail', { email: 'alice.second@example.org' });
  await command('alice', 'ChangePlan', { plan: 'team' });
  // both sagas have made their call and recorded it
  await eventually(
    async () => (await app.api('GET', '/sagas/welcome?status=completed')).body,
    (b: { sagas?: unknown[] }) => (b.sagas?.length ?? 0) === 2,
    'two completed sagas',
    60_000,
  );
}, 120_000);

afterAll(async () => {
  await app?.close();
  await welcome?.close();
});

describe('personal data at rest', () => {
  it('reads show the plaintext while no subject is forgotten', async () => {
    const alice = await app.api('GET', '/aggregates/user/alice');
    expect(alice.body.state).toMatchObject({
      email: 'alice.second@example.org',
      name: ALICE.name,
      address: ALICE.address,
      plan: 'team',
      changes: 3,
    });
    const row = await app.api('GET', '/projections/users/alice');
    expect(row.body).toMatchObject({ email: 'alice.second@example.org', name: ALICE.name, plan: 'team', changes: 3 });
  });

  it('pg_dump holds no personal field of anyone (events, snapshots, read-model aside)', async () => {
    const dump = await pgDump(url);
    // sanity: the dump does hold the events and the non-personal values
    expect(dump.includes(Buffer.from('UserRegistered'))).toBe(true);
    expect(dump.includes(Buffer.from('$pii'))).toBe(true);
    // the read model keeps its personal = true columns in clear; the log, the snapshots and
    // every other table hold none of them
    const rest = withoutTableData(dump, 'users');
    expect(rest.length).toBeLessThan(dump.length);
    expect(found(rest, [...plaintexts(ALICE), ...plaintexts(BOB), 'alice.second@example.org'])).toEqual([]);
    const snapshots = await app.started.runtime.store.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM ${app.started.runtime.store.tables.snapshots}`,
    );
    expect(snapshots.rows[0]!.n).toBeGreaterThan(0);
  });
});

describe('after DELETE /subjects/alice', () => {
  let forgotten: { position: number; keys_destroyed: number; streams: number };

  beforeAll(async () => {
    const res = await app.api('DELETE', '/subjects/alice');
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    forgotten = res.body;
  }, 60_000);

  it('answers what it destroyed, and 404 for a subject never seen', async () => {
    expect(forgotten).toMatchObject({ subject: 'alice', keys_destroyed: 1, streams: 2 });
    const unknown = await app.api('DELETE', '/subjects/nobody');
    expect(unknown.status).toBe(404);
    expect(unknown.body.error.code).toBe('SUBJECT_NOT_FOUND');
  });

  it('the aggregate still folds, with the personal fields erased', async () => {
    const alice = await app.api('GET', '/aggregates/user/alice');
    expect(alice.status).toBe(200);
    expect(alice.body).toMatchObject({
      version: 4,
      state: { email: null, name: null, address: { street: null, city: null }, plan: 'team', changes: 3 },
    });
    const past = await app.api('GET', '/aggregates/user/alice?version=1');
    expect(past.body.state).toMatchObject({ email: null, name: null, plan: 'free' });
    // and commands still work on it
    await command('alice', 'ChangePlan', { plan: 'free' });
  });

  it('other subjects are unaffected', async () => {
    const bob = await app.api('GET', '/aggregates/user/bob');
    expect(bob.body.state).toMatchObject({ email: BOB.email, name: BOB.name, address: BOB.address });
    const row = await app.api('GET', '/projections/users/bob');
    expect(row.body).toMatchObject({ email: BOB.email, name: BOB.name });
  });

  it('the log, SSE and the read model show no plaintext of alice', async () => {
    const events = await app.api('GET', '/events?after=0&limit=1000');
    const text = JSON.stringify(events.body);
    expect(found(text, [...plaintexts(ALICE), 'alice.second@example.org'])).toEqual([]);
    expect(text).toContain(BOB.email);
    const audit = events.body.events.find((e: { type: string }) => e.type === '$SubjectForgotten');
    expect(audit).toMatchObject({ aggregate_id: 'alice', position: forgotten.position, data: { subject: 'alice', keys_destroyed: 1 } });
    const sse = await sseUpTo(forgotten.position - 1);
    expect(found(sse, [...plaintexts(ALICE), 'alice.second@example.org'])).toEqual([]);
    expect(sse).toContain(BOB.email);
    const row = await app.api('GET', '/projections/users/alice');
    expect(row.body).toMatchObject({ id: 'alice', email: null, name: null, plan: 'free', changes: 4 });
  });

  it("the saga's stored copies of alice's fields read as erased; bob's saga keeps them", async () => {
    expect(welcome.requests.map((r) => (r.event as unknown as { to: string }).to).sort()).toEqual([ALICE.email, BOB.email].sort());
    const list = (await app.api('GET', '/sagas/welcome')).body as { sagas: { saga_id: string }[] };
    const views = await Promise.all(
      list.sagas.map(async (s) => JSON.stringify((await app.api('GET', `/sagas/welcome/${s.saga_id}`)).body)),
    );
    expect(views.filter((v) => v.includes(BOB.email))).toHaveLength(1);
    for (const v of views) expect(found(v, plaintexts(ALICE))).toEqual([]);
  });

  it('a fresh rebuild reproduces the scrubbed rows', async () => {
    const before = (await app.api('GET', '/projections/users?order=id')).body;
    const rebuilt = await app.api('POST', '/projections/users/rebuild?wait=true');
    expect(rebuilt.status, JSON.stringify(rebuilt.body)).toBe(200);
    const after = (await app.api('GET', '/projections/users?order=id')).body;
    expect(after).toEqual(before);
    expect(found(JSON.stringify(after), plaintexts(ALICE))).toEqual([]);
  });

  it('pg_dump finds no plaintext of alice anywhere, and bob is still sealed in the log', async () => {
    const dump = await pgDump(url);
    expect(found(dump, [...plaintexts(ALICE), 'alice.second@example.org'])).toEqual([]);
    // bob's fields are only in his read-model row (personal = true), never in the store's tables
    expect(found(dump, plaintexts(BOB))).toEqual([BOB.email, BOB.name]);
    expect(found(withoutTableData(dump, 'users'), plaintexts(BOB))).toEqual([]);
  });
});
