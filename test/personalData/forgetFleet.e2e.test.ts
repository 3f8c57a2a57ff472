/**
 * A forget reaches every process of a fleet: two real `tusk-es serve` processes on one
 * PostgreSQL each cache a subject's decrypted state in memory; after `DELETE /subjects/{id}`
 * on one, the other serves the fields as erased too (it hears the forget through the store's
 * NOTIFY), not its cached plaintext.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createTestDatabase } from '../support/postgres.js';
import { startServer, type ServerProcess } from '../support/server.js';
import { eventually } from '../projections/helpers.js';
import { ALICE, BOB, personalApp } from './helpers.js';

let dir: string;
let one: ServerProcess;
let two: ServerProcess;

const call = async (server: ServerProcess, method: string, path: string, body?: unknown): Promise<{ status: number; body: any }> => {
  const res = await fetch(`${server.url}${path}`, {
    method,
    ...(body !== undefined ? { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) } : {}),
  });
  return { status: res.status, body: await res.json() };
};

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'tusk-forget-fleet-'));
  const file = join(dir, 'app.tsk');
  writeFileSync(file, personalApp(`type = "postgresql", connection = "${await createTestDatabase(inject('pgUrl'))}"`));
  [one, two] = await Promise.all([
    startServer(file, { cwd: dir, timeoutMs: 120_000 }),
    startServer(file, { cwd: dir, timeoutMs: 120_000 }),
  ]);
}, 180_000);
afterAll(async () => {
  await one?.stop();
  await two?.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe('forget in a fleet', () => {
  it("the other process stops serving the subject's cached plaintext", async () => {
    expect((await call(one, 'POST', '/aggregates/user/alice/commands/Register', { ...ALICE, plan: 'free' })).status).toBe(200);
    expect((await call(one, 'POST', '/aggregates/user/bob/commands/Register', { ...BOB, plan: 'free' })).status).toBe(200);
    // both processes hold alice's state now (a load caches it)
    for (const server of [one, two]) expect((await call(server, 'GET', '/aggregates/user/alice')).body.state.email).toBe(ALICE.email);

    const forgot = await call(one, 'DELETE', '/subjects/alice');
    expect(forgot.status, JSON.stringify(forgot.body)).toBe(200);
    expect((await call(one, 'GET', '/aggregates/user/alice')).body.state).toMatchObject({ email: null, name: null });
    const seen = await eventually(
      async () => (await call(two, 'GET', '/aggregates/user/alice')).body.state,
      (state) => state.email === null,
      'the other process reads alice as erased',
      60_000,
    );
    expect(seen).toMatchObject({ email: null, name: null, plan: 'free' });
    expect((await call(two, 'GET', '/aggregates/user/bob')).body.state).toMatchObject({ email: BOB.email, name: BOB.name });
  }, 180_000);
});
