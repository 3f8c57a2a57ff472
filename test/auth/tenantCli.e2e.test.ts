/**
 * `tusk-es tenant` through the real CLI on an embedded store: create, list, disable, quota and
 * delete (each run opens the store: a few runs only, they are slow on a busy machine) between runs of the app, whose auth hook then refuses the disabled and deleted
 * tenants' tokens (403 TENANT_DISABLED) and lets the active one in.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.js';
import { startServer, type ServerProcess } from '../support/server.js';

const ENV = { JWT_SECRET: 'a-shared-secret-of-at-least-32-characters!' };
let dir: string;
let file: string;
let server: ServerProcess | undefined;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'tusk-tenant-e2e-'));
  file = join(dir, 'app.tsk');
  writeFileSync(
    file,
    `
event_store = { type = "embedded", data_dir = "${join(dir, 'data')}" }
server = { auth = { jwt = { secret = @env.secure("JWT_SECRET"), tenant_claim = "tenant" } } }
aggregates = {
    counter = {
        state = { n = 0 }
        commands = { Start = { creates = true, emits = "Started" } }
    }
}
`,
  );
});

afterAll(async () => {
  await server?.kill();
  rmSync(dir, { recursive: true, force: true });
});

const tenant = async (...args: string[]) => {
  const res = await runCli(['tenant', args[0]!, file, ...args.slice(1)], ENV);
  return { ...res, json: res.code === 0 ? JSON.parse(res.stdout) : undefined };
};
const token = (tenantId: string) =>
  new SignJWT({ tenant: tenantId, scope: 'commands:*' })
    .setProtectedHeader({ alg: 'HS256' })
    .setExpirationTime('10m')
    .sign(new TextEncoder().encode(ENV.JWT_SECRET));

describe('tusk-es tenant', () => {
  it('manages the registry from the command line, and serve refuses disabled and deleted tenants', async () => {
    expect((await tenant('create', 'acme', '--events-per-second', '50')).json).toMatchObject({
      id: 'acme',
      status: 'active',
      events_per_second: 50,
    });
    expect((await tenant('create', 'beta', '--events-per-second', '50')).json).toMatchObject({ id: 'beta', status: 'active' });
    const again = await tenant('create', 'acme');
    expect(again.code).toBe(3);
    expect(again.stderr).toContain('tenant "acme" exists');
    expect((await tenant('create', 'bad id')).code).toBe(2);
    expect((await tenant('disable')).code).toBe(2);
    expect((await tenant('disable', 'beta')).json.status).toBe('disabled');
    expect((await tenant('quota', 'acme', '--events-per-second', 'none')).json.events_per_second).toBeNull();
    expect((await tenant('delete', 'beta')).json.status).toBe('deleted');
    const list = (await tenant('list')).json as { tenants: { id: string; status: string; events_per_second: number | null }[] };
    expect(list.tenants.map((x) => [x.id, x.status, x.events_per_second])).toEqual([
      ['acme', 'active', null],
      ['beta', 'deleted', 50],
    ]);

    server = await startServer(file, { env: ENV, timeoutMs: 120_000 });
    const start = async (who: string, id: string) =>
      fetch(`${server!.url}/aggregates/counter/${id}/commands/Start`, {
        method: 'POST',
        headers: { authorization: `Bearer ${await token(who)}` },
      });
    expect((await start('acme', 'c1')).status).toBe(200);
    const beta = await start('beta', 'c2');
    expect(beta.status).toBe(403);
    expect(((await beta.json()) as { error: { code: string } }).error.code).toBe('TENANT_DISABLED');
    expect(await server.stop()).toBe(0);
    server = undefined;
  }, 300_000);
});
