/**
 * Ambiguous commits: a `tusk-es serve` whose connection to PostgreSQL goes through a fault
 * proxy that drops the connection right after an append committed, so the server cannot know
 * whether it did. The server must answer 503 STORE_UNAVAILABLE and never append the request a
 * second time on its own (the command was decided on a cached state, the path that used to be
 * decided again after any failure); a retry with the same Idempotency-Key then returns the
 * first result.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { randomUUID } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { startFaultProxy, type FaultProxy } from '../support/faultProxy.js';
import { createTestDatabase } from '../support/postgres.js';
import { startServer, type ServerProcess } from '../support/server.js';

const app = (url: string) => `
event_store = { type = "postgresql", connection = "${url}" }
aggregates = {
    account = {
        state = { notes = 0 }
        commands = {
            Open = { creates = true, emits = "Opened" }
            Note = { input = { text = "string" }, emits = "Noted" }
        }
        apply = { Noted = { notes = "notes + 1" } }
    }
}
`;

let dir: string;
let proxy: FaultProxy;
let server: ServerProcess;

beforeAll(async () => {
  const direct = new URL(await createTestDatabase(inject('pgUrl')));
  proxy = await startFaultProxy({ host: direct.hostname, port: Number(direct.port) });
  const viaProxy = new URL(direct);
  viaProxy.host = `127.0.0.1:${proxy.port}`;
  dir = mkdtempSync(join(tmpdir(), 'tusk-ambiguous-'));
  writeFileSync(join(dir, 'app.tsk'), app(viaProxy.toString()));
  server = await startServer('app.tsk', { cwd: dir });
});
afterAll(async () => {
  await server?.stop();
  await proxy?.close();
  rmSync(dir, { recursive: true, force: true });
});

async function api(method: string, path: string, body?: unknown, headers: Record<string, string> = {}) {
  const res = await fetch(`${server.url}${path}`, {
    method,
    headers: { 'content-type': 'application/json', ...headers },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return { status: res.status, body: (await res.json()) as Record<string, any> };
}

async function noted(id: string): Promise<string[]> {
  const { body } = await api('GET', `/aggregates/account/${id}/events`);
  return (body.events as { type: string; data: { text?: string } }[]).filter((e) => e.type === 'Noted').map((e) => e.data.text!);
}

describe('a commit whose outcome is unknown', () => {
  it('is answered 503 STORE_UNAVAILABLE and appended once, never again by the server itself', async () => {
    const id = `a-${randomUUID()}`;
    expect((await api('POST', `/aggregates/account/${id}/commands/Open`, {})).status).toBe(200);
    // a first note puts the aggregate's state in the server's cache
    expect((await api('POST', `/aggregates/account/${id}/commands/Note`, { text: 'first' })).status).toBe(200);

    const marker = `lost-${randomUUID()}`;
    proxy.dropCommitOf(marker);
    const lost = await api('POST', `/aggregates/account/${id}/commands/Note`, { text: marker });
    expect(proxy.dropped).toBe(1);
    expect(lost).toMatchObject({ status: 503, body: { error: { code: 'STORE_UNAVAILABLE' } } });
    // it did commit, once
    expect(await noted(id)).toEqual(['first', marker]);
    expect((await api('GET', `/aggregates/account/${id}`)).body.state).toMatchObject({ notes: 2 });
  });

  it('a retry with the same Idempotency-Key returns the first result', async () => {
    const id = `b-${randomUUID()}`;
    expect((await api('POST', `/aggregates/account/${id}/commands/Open`, {})).status).toBe(200);
    expect((await api('POST', `/aggregates/account/${id}/commands/Note`, { text: 'first' })).status).toBe(200);

    const marker = `keyed-${randomUUID()}`;
    const key = { 'idempotency-key': randomUUID() };
    proxy.dropCommitOf(marker);
    const before = proxy.dropped;
    const lost = await api('POST', `/aggregates/account/${id}/commands/Note`, { text: marker }, key);
    expect(proxy.dropped).toBe(before + 1);
    expect(lost).toMatchObject({ status: 503, body: { error: { code: 'STORE_UNAVAILABLE' } } });

    const retried = await api('POST', `/aggregates/account/${id}/commands/Note`, { text: marker }, key);
    expect(retried.status).toBe(200);
    const events = (await api('GET', `/aggregates/account/${id}/events`)).body.events as { id: string; type: string; position: number }[];
    const stored = events.filter((e) => e.type === 'Noted').at(-1)!;
    expect(retried.body.events.map((e: { id: string }) => e.id)).toEqual([stored.id]);
    expect(retried.body.position).toBe(stored.position);
    expect(await noted(id)).toEqual(['first', marker]);
  });
});
