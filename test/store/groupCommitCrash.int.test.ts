/**
 * Issue 8, acceptance 6: a crash during a group commit acknowledges nothing that was not
 * committed. 64 writers append to their own streams through the real store on a private
 * PostgreSQL (durability at its defaults) while the connection that holds the append lock —
 * a batch between its first read and its commit — is killed, again and again. Afterwards every
 * acknowledged event is stored, every stored event was acknowledged or still in flight when
 * its connection died, and every stream is gap-free.
 */
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appSchema } from '../../src/config/schema/index.js';
import type { EventStore } from '../../src/store/EventStore.js';
import { openEventStore } from '../../src/store/index.js';
import { startPostgres, type PostgresServer } from '../support/postgres.js';
import { newEvent } from './contract.js';

let server: PostgresServer;
beforeAll(async () => {
  server = await startPostgres({ fsync: true });
}, 600_000);
afterAll(async () => {
  await server?.stop();
});

/** What the writers saw: acknowledged event ids, and failed ones with the error code. */
interface Ledger {
  acked: Set<string>;
  failed: Map<string, string>;
  batches: number[];
}

/** 64 writers, each on its own stream; after a failure a writer moves to a new stream. */
function startWriters(store: EventStore, ledger: Ledger, until: () => boolean): Promise<void> {
  return Promise.all(
    Array.from({ length: 64 }, async (_, w) => {
      let stream = `w${w}-${randomUUID()}`;
      let version = 0;
      while (!until()) {
        const event = newEvent('E', { w });
        try {
          await store.append({
            streamType: 'crash',
            streamId: stream,
            expectedVersion: version === 0 ? 'no_stream' : version,
            events: [event],
          });
          ledger.acked.add(event.id);
          version++;
        } catch (err) {
          ledger.failed.set(event.id, (err as { code?: string }).code ?? String(err));
          // Whether it is stored is unknown to this writer: go on with a fresh stream.
          stream = `w${w}-${randomUUID()}`;
          version = 0;
          await new Promise((r) => setTimeout(r, 20));
        }
      }
    }),
  ).then(() => undefined);
}

/** The backend that holds the store's append lock right now (a batch in flight), if any. */
async function lockHolder(admin: pg.Client, database: string): Promise<number | undefined> {
  const { rows } = await admin.query<{ pid: number }>(
    `SELECT l.pid FROM pg_locks l JOIN pg_database d ON d.oid = l.database
     WHERE l.locktype = 'advisory' AND l.granted AND d.datname = $1 LIMIT 1`,
    [database],
  );
  return rows[0]?.pid;
}

async function connectAdmin(url: string): Promise<pg.Client> {
  for (const deadline = Date.now() + 60_000; ; ) {
    const client = new pg.Client({ connectionString: url });
    client.on('error', () => undefined);
    try {
      await client.connect();
      return client;
    } catch (err) {
      await client.end().catch(() => undefined);
      if (Date.now() > deadline) throw err;
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}

async function checkLedger(url: string, table: string, ledger: Ledger): Promise<{ stored: number; inFlight: number }> {
  const client = await connectAdmin(url);
  try {
    const { rows } = await client.query<{ id: string; stream_id: string; version: number }>(
      `SELECT id, stream_id, version FROM ${table} WHERE stream_type = 'crash'`,
    );
    const stored = new Set(rows.map((r) => r.id));
    // Nothing acknowledged was lost.
    const lost = [...ledger.acked].filter((id) => !stored.has(id));
    expect(lost).toEqual([]);
    // Nothing stored that no one was told about, except appends whose connection died in flight.
    const unexplained = rows.filter((r) => !ledger.acked.has(r.id) && ledger.failed.get(r.id) !== 'STORE_UNAVAILABLE');
    expect(unexplained).toEqual([]);
    // Every stream is 1..n without a gap.
    const versions = new Map<string, number[]>();
    for (const r of rows) versions.set(r.stream_id, [...(versions.get(r.stream_id) ?? []), r.version]);
    for (const [, vs] of versions) expect(vs.sort((a, b) => a - b)).toEqual(vs.map((_, i) => i + 1));
    return { stored: stored.size, inFlight: rows.filter((r) => !ledger.acked.has(r.id)).length };
  } finally {
    await client.end();
  }
}

describe('group commit under crashes (real PostgreSQL, fsync on)', () => {
  it('acknowledges nothing that was not committed when the connection of a batch is killed mid-batch', async () => {
    const database = `crash_${randomUUID().replace(/-/g, '').slice(0, 12)}`;
    const admin = await connectAdmin(server.url);
    await admin.query(`CREATE DATABASE ${database}`);
    const url = server.url.replace(/\/postgres$/, `/${database}`);
    const ledger: Ledger = { acked: new Set(), failed: new Map(), batches: [] };
    const store = await openEventStore(appSchema.parse({ event_store: { type: 'postgresql', connection: url } }).event_store, {
      onBatch: (n) => ledger.batches.push(n),
    });
    let done = false;
    let kills = 0;
    try {
      const writers = startWriters(store, ledger, () => done);
      // Terminate the lock holder's connection 40 times, at random points of its batch.
      while (kills < 40) {
        await new Promise((r) => setTimeout(r, 20 + Math.random() * 60));
        const pid = await lockHolder(admin, database);
        if (pid === undefined) continue;
        const { rows } = await admin.query<{ ok: boolean }>('SELECT pg_terminate_backend($1) AS ok', [pid]);
        if (rows[0]!.ok) kills++;
      }
      const ackedBeforeEnd = ledger.acked.size;
      await new Promise((r) => setTimeout(r, 500));
      done = true;
      await writers;
      // The store recovered: writers kept being acknowledged after the last kill.
      expect(ledger.acked.size).toBeGreaterThan(ackedBeforeEnd);
    } finally {
      done = true;
      await store.close();
    }
    expect(kills).toBe(40);
    expect(ledger.failed.size).toBeGreaterThan(0);
    expect(Math.max(...ledger.batches)).toBeGreaterThan(1);
    const { stored } = await checkLedger(url, store.tables.events, ledger);
    expect(stored).toBeGreaterThanOrEqual(ledger.acked.size);
    await admin.end();
  });

  it('acknowledges nothing that was not committed when a backend crashes mid-batch and PostgreSQL restarts', async () => {
    const database = `crash_${randomUUID().replace(/-/g, '').slice(0, 12)}`;
    const setup = await connectAdmin(server.url);
    await setup.query(`CREATE DATABASE ${database}`);
    await setup.end();
    const url = server.url.replace(/\/postgres$/, `/${database}`);
    const ledger: Ledger = { acked: new Set(), failed: new Map(), batches: [] };
    const store = await openEventStore(appSchema.parse({ event_store: { type: 'postgresql', connection: url } }).event_store, {
      onBatch: (n) => ledger.batches.push(n),
    });
    let done = false;
    let crashes = 0;
    try {
      const writers = startWriters(store, ledger, () => done);
      for (let round = 0; round < 3; round++) {
        // Let the writers get going (after a crash: until PostgreSQL has recovered and acks flow again).
        const before = ledger.acked.size;
        for (const deadline = Date.now() + 60_000; ledger.acked.size < before + 200; ) {
          if (Date.now() > deadline) throw new Error('no appends were acknowledged after the crash');
          await new Promise((r) => setTimeout(r, 50));
        }
        const admin = await connectAdmin(server.url);
        let pid: number | undefined;
        try {
          for (const deadline = Date.now() + 10_000; pid === undefined && Date.now() < deadline; ) pid = await lockHolder(admin, database);
        } finally {
          await admin.end();
        }
        expect(pid).toBeDefined();
        // SIGKILL of a backend is a crash: the postmaster ends every session and recovers from the WAL.
        process.kill(pid!, 'SIGKILL');
        crashes++;
      }
      const before = ledger.acked.size;
      for (const deadline = Date.now() + 60_000; ledger.acked.size < before + 200 && Date.now() < deadline; )
        await new Promise((r) => setTimeout(r, 50));
      done = true;
      await writers;
    } finally {
      done = true;
      await store.close();
    }
    expect(crashes).toBe(3);
    expect([...ledger.failed.values()].filter((code) => code === 'STORE_UNAVAILABLE').length).toBeGreaterThan(0);
    expect(Math.max(...ledger.batches)).toBeGreaterThan(1);
    await checkLedger(url, store.tables.events, ledger);
  });
});
