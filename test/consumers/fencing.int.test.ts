/**
 * The consumer framework on PostgreSQL: checkpoints and leases per consumer, fenced writes.
 * A worker that stalls past its lease (here: its handler is held inside a batch) while another
 * process takes the partition over can neither move the checkpoint nor write its effects when
 * it resumes: both are checked against the lease's token in the transaction of the write.
 */
import { randomUUID } from 'node:crypto';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { appSchema } from '../../src/config/schema/index.js';
import type { Batch, ConsumerEnv, ConsumerSpec } from '../../src/consumers/Consumer.js';
import { LeaseLost } from '../../src/consumers/Lease.js';
import { LogConsumer } from '../../src/consumers/LogConsumer.js';
import type { EventStore } from '../../src/store/EventStore.js';
import { openEventStore } from '../../src/store/index.js';
import { createTestDatabase } from '../support/postgres.js';

let store: EventStore;
const EFFECTS = '"public"."consumer_effects"';

beforeAll(async () => {
  const connection = await createTestDatabase(inject('pgUrl'));
  store = await openEventStore(appSchema.parse({ event_store: { type: 'postgresql', connection } }).event_store);
  await store.query(`CREATE TABLE ${EFFECTS} (owner text NOT NULL, position bigint NOT NULL)`);
});
afterAll(async () => {
  await store?.close();
});

async function append(n: number): Promise<void> {
  for (let i = 0; i < n; i++) {
    const event = { id: randomUUID(), type: 'Ticked', eventVersion: 1, data: { i }, metadata: {}, timestamp: new Date() };
    await store.append({ streamType: 'clock', streamId: `c${i % 3}`, expectedVersion: 'any', events: [event] });
  }
}

async function until(what: string, ok: () => Promise<boolean>, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await ok())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** A consumer that writes one effect row per event in the commit of its batch; `gate` holds a batch before its commit. */
function consumer(owner: string, gate?: { held: Promise<void>; entered: () => void }, failures?: unknown[]): LogConsumer {
  const env: ConsumerEnv = { store, logger: pino({ level: 'silent' }), owner, pollIntervalMs: 50, leaseTtlMs: 400 };
  const spec: ConsumerSpec = {
    name: 'test:fenced',
    types: ['Ticked'],
    batchSize: 100,
    handler: {
      async handle(batch: Batch) {
        if (gate !== undefined) {
          gate.entered();
          await gate.held;
        }
        try {
          await batch.commit(batch.reached, async (tx) => {
            for (const e of batch.events) await tx.query(`INSERT INTO ${EFFECTS} (owner, position) VALUES ($1, $2)`, [owner, e.position]);
          });
        } catch (err) {
          failures?.push(err);
          throw err;
        }
      },
    },
  };
  return new LogConsumer(env, spec);
}

describe('consumer framework', () => {
  it('a worker that stalled past its lease cannot move the checkpoint or write effects once another process took over', async () => {
    await append(5);
    let release!: () => void;
    let entered!: () => void;
    const inBatch = new Promise<void>((r) => (entered = r));
    const held = new Promise<void>((r) => (release = r));
    const failures: unknown[] = [];
    const stalled = consumer('stalled', { held, entered }, failures);
    stalled.start();
    await inBatch;
    // the stalled worker's lease stops being renewed (as if the process were paused)
    clearInterval((stalled.partitions[0]!.lease as unknown as { timer: NodeJS.Timeout }).timer);
    await new Promise((r) => setTimeout(r, 600));

    const healthy = consumer('healthy');
    healthy.start();
    try {
      await until('the healthy worker to take over and apply all 5', async () => (await store.loadCheckpoint('test:fenced')) > 0);
      const checkpoint = await store.loadCheckpoint('test:fenced');
      release();
      await until('the stalled worker to try its commit', async () => failures.length > 0);
      expect(failures[0]).toBeInstanceOf(LeaseLost);
      expect(await store.loadCheckpoint('test:fenced')).toBe(checkpoint);
      const { rows } = await store.query<{ owner: string; n: string }>(`SELECT owner, count(*)::text AS n FROM ${EFFECTS} GROUP BY owner`);
      expect(rows).toEqual([{ owner: 'healthy', n: '5' }]);

      // the healthy owner goes on; the fenced one stays out (standby) and applies nothing twice
      await append(4);
      await until('the next 4 applied', async () => (await store.query(`SELECT 1 FROM ${EFFECTS}`)).rowCount === 9);
      expect(stalled.state).toBe('standby');
      const { rows: dup } = await store.query(`SELECT position FROM ${EFFECTS} GROUP BY position HAVING count(*) > 1`);
      expect(dup).toEqual([]);
    } finally {
      await healthy.stop();
      await stalled.stop();
    }
  });
});
