/**
 * Partitions of a consumer on PostgreSQL (issue 14, item 2): each "process" here is a store
 * object of its own (its own pool, its own fleet membership) on one database. Every event is
 * handled exactly once, in order per stream, while the partitions spread over the processes,
 * move when one stops, and while the partition count changes between runs under load.
 */
import { randomUUID } from 'node:crypto';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { appSchema } from '../../src/config/schema/index.js';
import type { Batch, ConsumerEnv, ConsumerSpec } from '../../src/consumers/Consumer.js';
import { LogConsumer } from '../../src/consumers/LogConsumer.js';
import { layoutOf } from '../../src/consumers/PartitionLayout.js';
import { partitionKeys } from '../../src/consumers/partitionKeys.js';
import type { EventStore } from '../../src/store/EventStore.js';
import { openEventStore } from '../../src/store/index.js';
import { createTestDatabase } from '../support/postgres.js';

let connection: string;
const stores: EventStore[] = [];
const EFFECTS = '"public"."partition_effects"';
const TTL = 1_000;

beforeAll(async () => {
  connection = await createTestDatabase(inject('pgUrl'));
  const store = await open();
  await store.query(
    `CREATE TABLE ${EFFECTS} (consumer text NOT NULL, owner text NOT NULL, position bigint NOT NULL, stream text NOT NULL, version integer NOT NULL)`,
  );
});
afterAll(async () => {
  for (const s of stores) await s.close().catch(() => undefined);
});

async function open(): Promise<EventStore> {
  const store = await openEventStore(appSchema.parse({ event_store: { type: 'postgresql', connection, pool_size: 4 } }).event_store);
  stores.push(store);
  return store;
}

/** Appends `n` events over 12 streams, one per append. */
async function append(store: EventStore, n: number): Promise<void> {
  for (let i = 0; i < n; i++) {
    const event = { id: randomUUID(), type: 'Ticked', eventVersion: 1, data: { i }, metadata: {}, timestamp: new Date() };
    await store.append({ streamType: 'clock', streamId: `c${i % 12}`, expectedVersion: 'any', events: [event] });
  }
}

async function until(what: string, ok: () => Promise<boolean>, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await ok())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** A consumer of `partitions` partitions that writes one effect row per event in the commit of its batch. */
function consumer(store: EventStore, name: string, partitions: number, owner: string = randomUUID()): LogConsumer {
  const env: ConsumerEnv = { store, logger: pino({ level: 'silent' }), owner, pollIntervalMs: 50, leaseTtlMs: TTL };
  const spec: ConsumerSpec = {
    name,
    types: ['Ticked'],
    batchSize: 7,
    partitions,
    handler: {
      async handle(batch: Batch) {
        await batch.commit(batch.reached, async (tx) => {
          for (const e of batch.events) {
            await tx.query(`INSERT INTO ${EFFECTS} (consumer, owner, position, stream, version) VALUES ($1, $2, $3, $4, $5)`, [
              name,
              owner,
              e.position,
              e.streamId,
              e.version,
            ]);
          }
        });
      },
    },
  };
  return new LogConsumer(env, spec);
}

/** Every Ticked event was handled once by `name`, and each stream's events in version order. */
async function expectExactlyOnce(store: EventStore, name: string): Promise<void> {
  const { rows: log } = await store.query<{ position: string }>(
    `SELECT position FROM ${store.tables.events} WHERE type = 'Ticked' ORDER BY position`,
  );
  await until(
    `${name} to handle all ${log.length} events`,
    async () =>
      Number(
        (await store.query<{ n: string }>(`SELECT count(DISTINCT position)::text AS n FROM ${EFFECTS} WHERE consumer = $1`, [name]))
          .rows[0]!.n,
      ) >= log.length,
  );
  const { rows } = await store.query<{ position: string; stream: string; version: number }>(
    `SELECT position, stream, version FROM ${EFFECTS} WHERE consumer = $1 ORDER BY position`,
    [name],
  );
  expect(rows.map((r) => Number(r.position))).toEqual(log.map((r) => Number(r.position)));
  // in position order per stream, the versions only grow: nothing was handled out of order
  const last = new Map<string, number>();
  for (const r of rows) {
    expect(r.version, `stream ${r.stream}`).toBeGreaterThan(last.get(r.stream) ?? 0);
    last.set(r.stream, r.version);
  }
}

/** The owners of the partition leases of `name` now (held, unexpired). */
async function owners(store: EventStore, name: string, count: number): Promise<(string | undefined)[]> {
  const keys = partitionKeys(name, count);
  const { rows } = await store.query<{ name: string; owner: string }>(
    `SELECT name, owner FROM ${store.tables.leases} WHERE name = ANY($1::text[]) AND expires_at > now()`,
    [keys],
  );
  return keys.map((k) => rows.find((r) => r.name === k)?.owner);
}

describe('consumer partitions', () => {
  it('spread over the processes, move when one stops, and handle every event once in order per stream', { timeout: 180_000 }, async () => {
    const [a, b, c] = [stores[0]!, await open(), await open()];
    const consumers = [consumer(a, 'test:spread', 4, 'A'), consumer(b, 'test:spread', 4, 'B'), consumer(c, 'test:spread', 4, 'C')];
    for (const x of consumers) x.start();
    try {
      await append(a, 60);
      // 4 partitions over 3 processes: 2, 1 and 1
      await until('the partitions to spread over the three', async () => {
        const held = await owners(a, 'test:spread', 4);
        const counts = ['A', 'B', 'C'].map((o) => held.filter((h) => h === o).length).sort();
        return JSON.stringify(counts) === JSON.stringify([1, 1, 2]);
      });
      await expectExactlyOnce(a, 'test:spread');

      // one stops (cleanly): its partitions move to the two others, the load goes on
      await consumers[2]!.stop();
      const load = append(a, 60);
      await until('the partitions to spread over the two left', async () => {
        const held = await owners(a, 'test:spread', 4);
        return held.filter((h) => h === 'A').length === 2 && held.filter((h) => h === 'B').length === 2;
      });
      await load;
      await expectExactlyOnce(a, 'test:spread');
    } finally {
      for (const x of consumers) await x.stop();
    }
  });

  it('changes its partition count between runs under load: nothing skipped, nothing handled twice', { timeout: 180_000 }, async () => {
    const [a, b] = [stores[0]!, await open()];
    const name = 'test:resize';
    // Appends run all along, in another process; each run is stopped mid-load.
    let appending = true;
    const load = (async () => {
      while (appending) await append(b, 5);
    })();
    try {
      for (const count of [1, 4, 2, 3, 1]) {
        const run = [consumer(a, name, count), consumer(b, name, count)];
        for (const x of run) x.start();
        await until(`the consumer to run with ${count} partitions`, async () => (await layoutOf(a, name)) === count);
        const position = Number(
          (await a.query<{ n: string }>(`SELECT count(*)::text AS n FROM ${EFFECTS} WHERE consumer = $1`, [name])).rows[0]!.n,
        );
        await until(
          `more events handled with ${count} partitions`,
          async () =>
            Number((await a.query<{ n: string }>(`SELECT count(*)::text AS n FROM ${EFFECTS} WHERE consumer = $1`, [name])).rows[0]!.n) >
            position + 20,
        );
        // one process stops first, so the other runs alone a while (and the next run starts beside it)
        await run[0]!.stop();
        await new Promise((r) => setTimeout(r, 200));
        await run[1]!.stop();
      }
    } finally {
      appending = false;
      await load;
    }
    const last = consumer(a, name, 2);
    last.start();
    try {
      await expectExactlyOnce(a, name);
      const { rows: dup } = await a.query(`SELECT position FROM ${EFFECTS} WHERE consumer = $1 GROUP BY position HAVING count(*) > 1`, [
        name,
      ]);
      expect(dup).toEqual([]);
    } finally {
      await last.stop();
    }
  });

  it(
    'changes its partition count while a process of the old count still runs: the old layout is fenced',
    { timeout: 180_000 },
    async () => {
      const [a, b] = [stores[0]!, await open()];
      const name = 'test:overlap';
      const old = consumer(a, name, 3);
      old.start();
      let appending = true;
      const load = (async () => {
        while (appending) await append(a, 5);
      })();
      try {
        await until(
          'the old layout to handle events',
          async () => (await a.query(`SELECT 1 FROM ${EFFECTS} WHERE consumer = $1`, [name])).rowCount > 20,
        );
        // a process with the new count starts beside it: it drains and fences the old layout
        const next = consumer(b, name, 2);
        next.start();
        try {
          await until('the new layout to take over', async () => (await layoutOf(a, name)) === 2);
          await new Promise((r) => setTimeout(r, 1_000));
          appending = false;
          await load;
          await expectExactlyOnce(a, name);
          const { rows: dup } = await a.query(`SELECT position FROM ${EFFECTS} WHERE consumer = $1 GROUP BY position HAVING count(*) > 1`, [
            name,
          ]);
          expect(dup).toEqual([]);
          // the process with the old count stands by: its leases are retired
          expect(old.state).toBe('standby');
        } finally {
          await next.stop();
        }
      } finally {
        appending = false;
        await load;
        await old.stop();
      }
    },
  );
});
