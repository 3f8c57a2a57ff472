/**
 * Fencing across real processes: two `tusk-es serve` with a webhook publisher on one
 * PostgreSQL. The process that delivers is paused (SIGSTOP) while its delivery is in flight;
 * its lease expires and the other process takes the relay over and delivers further. When the
 * paused process resumes (SIGCONT) and its delivery is acknowledged, it still believes it holds
 * the lease, but its checkpoint write is fenced by the lease token: the relay's checkpoint never
 * moves back, and everything is delivered.
 */
import { createServer, type Server, type ServerResponse } from 'node:http';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { appSchema } from '../../src/config/schema/index.js';
import type { EventStore } from '../../src/store/EventStore.js';
import { openEventStore } from '../../src/store/index.js';
import { api, startFleet, type Fleet } from '../support/fleet.js';
import { createTestDatabase } from '../support/postgres.js';
import type { ServerProcess } from '../support/server.js';

const app = (url: string, hook: string) => `
event_store = { type = "postgresql", connection = "${url}" }
aggregates = {
    account = {
        commands = {
            Open = { creates = true, input = { owner = "string" }, emits = "Opened" }
        }
    }
}
publishers = { webhooks = { endpoints = ["${hook}"], timeout = "120s" } }
`;

/** A webhook receiver that holds the first request while `holding`, until `release()`. */
const received: string[] = [];
let holding = false;
let held: ServerResponse | undefined;
let receiver: Server;
let fleet: Fleet;
let store: EventStore;

beforeAll(async () => {
  receiver = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString('utf8')));
    req.on('end', () => {
      received.push((JSON.parse(body) as { id: string }).id);
      if (holding && held === undefined) held = res;
      else res.writeHead(200).end('ok');
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  const hook = `http://127.0.0.1:${(receiver.address() as { port: number }).port}/hook`;
  const url = await createTestDatabase(inject('pgUrl'));
  store = await openEventStore(appSchema.parse({ event_store: { type: 'postgresql', connection: url } }).event_store);
  fleet = await startFleet(app(url, hook), 2);
});
afterAll(async () => {
  for (const s of fleet?.servers ?? []) if (s.child.pid !== undefined) process.kill(s.child.pid, 'SIGCONT');
  await fleet?.stop();
  await store?.close();
  held?.destroy();
  receiver?.closeAllConnections();
  await new Promise((resolve) => receiver?.close(resolve));
});

/** The relay's consumer name and whether `server` owns it now (its metrics say). */
async function owns(server: ServerProcess): Promise<{ name: string; owned: boolean } | undefined> {
  const text = await (await fetch(`${server.url}/metrics`)).text();
  const m = /tusk_consumer_partition_owned\{consumer="(publisher:[^"]+)",partition="0"\} (\d)/.exec(text);
  return m === null ? undefined : { name: m[1]!, owned: m[2] === '1' };
}

async function until<T>(what: string, read: () => Promise<T | undefined>, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await read();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('a paused lease holder', () => {
  it('cannot move the checkpoint after SIGCONT once its lease was taken: it never moves back', async () => {
    const [owner, other] = await until('an owner of the relay', async () => {
      const states = await Promise.all(fleet.servers.map(owns));
      const i = states.findIndex((s) => s?.owned === true);
      return i < 0 ? undefined : i === 0 ? [fleet.servers[0]!, fleet.servers[1]!] : [fleet.servers[1]!, fleet.servers[0]!];
    });
    const relay = (await owns(owner))!.name;
    holding = true;
    const first = await api(owner, 'POST', '/aggregates/account/commands/Open', { owner: 'first' });
    expect(first.status).toBe(200);
    await until('the owner to send the first event', async () => (held !== undefined ? true : undefined));
    process.kill(owner.child.pid!, 'SIGSTOP');

    // the lease (15 s) expires; the other process takes over, delivers the first event again and more
    for (let i = 0; i < 3; i++)
      expect((await api(other, 'POST', '/aggregates/account/commands/Open', { owner: `more-${i}` })).status).toBe(200);
    const head = await store.headPosition();
    await until(
      'the other process to deliver everything',
      async () => ((await store.loadCheckpoint(relay)) >= head ? true : undefined),
      90_000,
    );
    expect((await owns(other))!.owned).toBe(true);

    // the paused process's delivery is acknowledged, then it resumes
    held!.writeHead(200).end('ok');
    process.kill(owner.child.pid!, 'SIGCONT');
    const seen: number[] = [];
    const until3s = Date.now() + 3_000;
    while (Date.now() < until3s) {
      seen.push(await store.loadCheckpoint(relay));
      await new Promise((r) => setTimeout(r, 20));
    }
    expect(Math.min(...seen)).toBeGreaterThanOrEqual(head);
    await until(
      'the resumed process to see its lease lost',
      async () => (owner.stdout().includes('lease lost') ? true : undefined),
      20_000,
    );
    // at least once: every event reached the receiver
    const { body } = await api(other, 'GET', '/events?limit=100');
    for (const e of body.events as { id: string }[]) expect(received).toContain(e.id);
  });
});
