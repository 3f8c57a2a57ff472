/**
 * Issue 16 acceptance 1 with the files tier, through the real CLI on PostgreSQL: a stream is
 * archived on close (`archive.on`) into gzip files, which hold its personal fields sealed
 * only; reads go through the files; after `tusk-es forget`, neither the archive files
 * (gunzipped) nor pg_dump hold any plaintext of the subject, the archived aggregate still
 * folds with its fields erased, a rebuild reproduces the scrubbed row, and other subjects are
 * unaffected.
 */
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { describe, expect, inject, it } from 'vitest';
import { runCli } from '../support/cli.js';
import { createTestDatabase } from '../support/postgres.js';
import { ALICE, BOB, found, personalApp, pgDump, plaintexts } from '../personalData/helpers.js';
import { archiveScratch } from './helpers.js';

const ENV = { TUSK_DATA_KEY: 'e2e-master-key-long-enough-0123456789' };
const { dir, serve } = archiveScratch('tusk-forget-files-');
const cold = join(dir, 'cold');
const file = join(dir, 'app.tsk');

const post = async (url: string, path: string, body: unknown) => {
  const res = await fetch(`${url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  expect(res.status, await res.clone().text()).toBe(200);
};
const get = async (url: string, path: string) => {
  const res = await fetch(`${url}${path}`);
  return { archived: res.headers.get('tusk-archived'), body: (await res.json()) as any };
};

/** Every archive file, gunzipped. */
const archiveBytes = () =>
  Buffer.concat(
    readdirSync(cold)
      .filter((f) => f.endsWith('.ndjson.gz'))
      .map((f) => gunzipSync(readFileSync(join(cold, f)))),
  );

describe('forget with archive files', () => {
  it(
    'leaves no plaintext of the subject in the archive files or the database; reads fold through the files',
    { timeout: 300_000 },
    async () => {
      const url = await createTestDatabase(inject('pgUrl'));
      const store = `type = "postgresql", connection = "${url}", archive = { on = "PlanChanged", storage = "files", dir = "${cold}", interval = "1 hour" }`;
      writeFileSync(
        file,
        personalApp(store).replace(
          'encryption_key = "test-master-key-that-is-long-enough-0123"',
          'encryption_key = @env.secure("TUSK_DATA_KEY")',
        ),
      );
      let server = await serve(file, { env: ENV, timeoutMs: 120_000 });
      await post(server.url, '/aggregates/user/alice/commands/Register', { ...ALICE, plan: 'free' });
      await post(server.url, '/aggregates/user/bob/commands/Register', { ...BOB, plan: 'free' });
      await post(server.url, '/aggregates/user/alice/commands/ChangeEmail', { email: 'alice.second@example.org' });
      await post(server.url, '/aggregates/user/alice/commands/ChangePlan', { plan: 'team' });
      expect(await server.stop()).toBe(0);

      // archive on close: alice's stream closed with PlanChanged, bob's did not
      const archived = await runCli(['archive', file], ENV);
      expect(archived.code, archived.stderr).toBe(0);
      const lines = archiveBytes()
        .toString('utf8')
        .split('\n')
        .filter((l) => l !== '')
        .map((l) => JSON.parse(l) as { stream_id: string; version: number; type: string });
      expect(lines.map((l) => [l.stream_id, l.version, l.type])).toEqual([
        ['alice', 1, 'UserRegistered'],
        ['alice', 2, 'EmailChanged'],
      ]);
      // the files hold the personal fields sealed, never in clear
      expect(archiveBytes().includes(Buffer.from('$pii'))).toBe(true);
      expect(found(archiveBytes(), [...plaintexts(ALICE), 'alice.second@example.org'])).toEqual([]);

      // reads go through the files and still open the sealed fields
      server = await serve(file, { env: ENV, timeoutMs: 120_000 });
      const before = await get(server.url, '/aggregates/user/alice');
      expect(before.archived).toBe('true');
      expect(before.body).toMatchObject({ version: 3, state: { email: 'alice.second@example.org', name: ALICE.name, plan: 'team' } });
      const firstVersion = await get(server.url, '/aggregates/user/alice?version=1');
      expect(firstVersion.body.state).toMatchObject({ email: ALICE.email, address: ALICE.address });
      expect(await server.stop()).toBe(0);

      const forgot = await runCli(['forget', file, 'alice'], ENV);
      expect(forgot.code, forgot.stderr).toBe(0);
      expect(JSON.parse(forgot.stdout)).toMatchObject({ subject: 'alice', keys_destroyed: 1 });

      // no plaintext of alice at rest: archive files, and the whole database
      expect(found(archiveBytes(), [...plaintexts(ALICE), 'alice.second@example.org'])).toEqual([]);
      const dump = await pgDump(url);
      expect(dump.includes(Buffer.from('UserRegistered'))).toBe(true);
      expect(found(dump, [...plaintexts(ALICE), 'alice.second@example.org'])).toEqual([]);

      // a fresh rebuild reproduces the scrubbed row
      const rebuilt = await runCli(['rebuild', file, 'users'], ENV);
      expect(rebuilt.code, rebuilt.stderr).toBe(0);

      server = await serve(file, { env: ENV, timeoutMs: 120_000 });
      const alice = await get(server.url, '/aggregates/user/alice');
      expect(alice.archived).toBe('true');
      expect(alice.body).toMatchObject({
        version: 3,
        state: { email: null, name: null, address: { street: null, city: null }, plan: 'team' },
      });
      const temporal = await get(server.url, '/aggregates/user/alice?version=1');
      expect(temporal.body.state).toMatchObject({ email: null, name: null, plan: 'free' });
      const bob = await get(server.url, '/aggregates/user/bob');
      expect(bob.archived).toBe('false');
      expect(bob.body.state).toMatchObject({ email: BOB.email, name: BOB.name });
      expect((await get(server.url, '/projections/users/alice')).body).toMatchObject({ email: null, name: null, plan: 'team' });
      expect((await get(server.url, '/projections/users/bob')).body).toMatchObject({ email: BOB.email.toLowerCase(), name: BOB.name });
      const events = JSON.stringify((await get(server.url, '/events?after=0&limit=100')).body);
      expect(events).toContain('UserRegistered');
      expect(found(events, plaintexts(ALICE))).toEqual([]);
      expect(found(events, [BOB.name])).toEqual([BOB.name]);
    },
  );
});
