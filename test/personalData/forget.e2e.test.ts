/**
 * Issue 16 item 1 through the real CLI on the embedded store: `tusk-es forget` destroys a
 * subject's key between two runs of `tusk-es serve`, which then shows its personal fields
 * erased (aggregate and read model) and other subjects intact; `tusk-es check` flags, located,
 * a projection that copies a personal field it did not declare (acceptance 2).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.js';
import { startServer, type ServerProcess } from '../support/server.js';
import { ALICE, BOB, found, personalApp, plaintexts } from './helpers.js';

const ENV = { TUSK_DATA_KEY: 'e2e-master-key-long-enough-0123456789' };
let dir: string;
let file: string;
let server: ServerProcess | undefined;

const post = async (url: string, path: string, body: unknown) => {
  const res = await fetch(`${url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  expect(res.status, await res.clone().text()).toBe(200);
  return res.json();
};
const get = async (url: string, path: string): Promise<any> => (await fetch(`${url}${path}`)).json();

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'tusk-pii-e2e-'));
  file = join(dir, 'app.tsk');
  writeFileSync(
    file,
    personalApp(`type = "embedded", data_dir = "${join(dir, 'data')}"`).replace(
      'encryption_key = "test-master-key-that-is-long-enough-0123"',
      'encryption_key = @env.secure("TUSK_DATA_KEY")',
    ),
  );
});

afterAll(async () => {
  await server?.kill();
  rmSync(dir, { recursive: true, force: true });
});

describe('tusk-es forget on the embedded store', () => {
  it('serve seals, forget shreds, the next serve reads the fields as erased', async () => {
    server = await startServer(file, { env: ENV, timeoutMs: 120_000 });
    await post(server.url, '/aggregates/user/alice/commands/Register', { ...ALICE, plan: 'free' });
    await post(server.url, '/aggregates/user/bob/commands/Register', { ...BOB, plan: 'free' });
    await post(server.url, '/aggregates/user/alice/commands/ChangePlan', { plan: 'pro' });
    await post(server.url, '/aggregates/user/alice/commands/ChangePlan', { plan: 'team' });
    expect((await get(server.url, '/aggregates/user/alice')).state).toMatchObject({ email: ALICE.email, plan: 'team' });
    expect(await server.stop()).toBe(0);
    server = undefined;

    const forgot = await runCli(['forget', file, 'alice'], ENV);
    expect(forgot.stderr).toBe('');
    expect(forgot.code).toBe(0);
    expect(JSON.parse(forgot.stdout)).toMatchObject({ subject: 'alice', keys_destroyed: 1, streams: 1 });
    const unknown = await runCli(['forget', file, 'nobody'], ENV);
    expect(unknown.code).toBe(3);
    expect(unknown.stderr).toContain("no personal data of subject 'nobody'");

    server = await startServer(file, { env: ENV, timeoutMs: 120_000 });
    const alice = await get(server.url, '/aggregates/user/alice');
    expect(alice).toMatchObject({ version: 3, state: { email: null, name: null, address: { street: null, city: null }, plan: 'team' } });
    expect((await get(server.url, '/aggregates/user/bob')).state).toMatchObject({ email: BOB.email, name: BOB.name });
    expect(await get(server.url, '/projections/users/alice')).toMatchObject({ email: null, name: null, plan: 'team' });
    const events = JSON.stringify(await get(server.url, '/events?after=0&limit=100'));
    expect(found(events, plaintexts(ALICE))).toEqual([]);
    expect(events).toContain('$SubjectForgotten');
  }, 300_000);
});

describe('tusk-es check', () => {
  it('flags, located, a projection column copying an undeclared personal field (exit 1)', async () => {
    const bad = join(dir, 'bad.tsk');
    writeFileSync(bad, personalApp('type = "embedded"').replace('email = { type = "text", personal = true }', 'email = "text"'));
    const res = await runCli(['check', bad], ENV);
    expect(res.code).toBe(1);
    expect(res.stdout + res.stderr).toMatch(
      /bad\.tsk:25:91: error: projections\.users\.mapping\.UserRegistered\.fields\.email: column `email` copies personal field data\.email of UserRegistered; .* \[CONFIG_PERSONAL_DATA\]/,
    );
    const ok = await runCli(['check', file], ENV);
    expect(ok.stdout + ok.stderr).not.toContain('CONFIG_PERSONAL_DATA');
    expect(ok.code).toBe(0);
  }, 120_000);
});
