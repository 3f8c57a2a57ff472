/**
 * The consumer framework (issue 14): how fast an async projection catches up with the log
 * (`async_catchup_p1`: 20,000 one-event streams, batches of 1000, checkpoint from 0; the same
 * with 4 partitions in one process, `async_catchup_p4`), and how
 * soon a command's row is visible when another process applies the projection
 * (`visibility_push_*`: woken by LISTEN/NOTIFY; `visibility_poll_*`: woken by its 100 ms poll).
 * Two stores on one database stand for the two processes: A appends (and, like a `serve`
 * process that runs consumers, listens, so it notifies), B runs the projection.
 */
import { pino } from 'pino';
import type { ConsumerEnv } from '../src/consumers/Consumer.js';
import { consumerPosition } from '../src/consumers/consumerPosition.js';
import { LogConsumer } from '../src/consumers/LogConsumer.js';
import { layoutKey, partitionKeys } from '../src/consumers/partitionKeys.js';
import { identityUpcaster } from '../src/engine/upcaster.js';
import { compileProjections, type CompiledProjection } from '../src/projections/compile/compileProjection.js';
import { projectionConsumer } from '../src/projections/run/projectionConsumer.js';
import { ensureTables } from '../src/projections/sql/ensureTables.js';
import type { EventStore } from '../src/store/EventStore.js';
import type { BenchContext } from './BenchContext.js';
import { benchEvent, benchModel, openPgStore } from './fixtures.js';
import { rate } from './harness.js';
import { quantile } from './httpLoad.js';

const EVENTS = 20_000;
const SAMPLES = 200;

const PROJECTION = {
  cart_lines: {
    table: 'cart_lines',
    events: ['ItemAdded'],
    mode: 'async',
    batch_size: 1000,
    columns: { id: 'text primary key', sku: 'text', quantity: 'integer', amount: 'numeric' },
    mapping: {
      ItemAdded: { action: 'insert', fields: { sku: 'data.sku', quantity: 'data.quantity', amount: 'data.quantity * data.unit_price' } },
    },
  },
};

function consumerOf(store: EventStore, projection: CompiledProjection, pollIntervalMs: number): LogConsumer {
  const env: ConsumerEnv = {
    store,
    logger: pino({ level: 'silent' }),
    owner: `bench-${Math.random()}`,
    pollIntervalMs,
    leaseTtlMs: 15_000,
  };
  return new LogConsumer(env, projectionConsumer(store, projection, identityUpcaster, { retryAttempts: 3, onError: 'park' }));
}

async function until(check: () => Promise<boolean>): Promise<void> {
  while (!(await check())) await new Promise((r) => setImmediate(r));
}

/** The consumer figures. */
export async function consumerFigures(ctx: BenchContext): Promise<void> {
  const url = await ctx.newDatabase();
  const [a, b] = [await openPgStore(url), await openPgStore(url)];
  try {
    const projection = compileProjections(benchModel({ type: 'postgresql' }, { projections: PROJECTION })).find(
      (p) => p.name === 'cart_lines',
    )!;
    await b.transaction((tx) => ensureTables(tx, b.tables.schema, projection));
    const table = b.tables.table('cart_lines');
    const checkpoint = () => b.loadCheckpoint(projection.checkpoint);

    ctx.note(`appending ${EVENTS.toLocaleString('en-US')} one-event streams for the catch-up`);
    let next = 0;
    await Promise.all(
      Array.from({ length: 64 }, async () => {
        for (let i = next++; i < EVENTS; i = next++)
          await a.append({ streamType: 'cart', streamId: `c-${i}`, expectedVersion: 'no_stream', events: [benchEvent(i)] });
      }),
    );
    const head = await a.headPosition();
    await ctx.report.figure(
      {
        id: 'async_catchup_p1',
        title: `async projection catch-up of ${EVENTS.toLocaleString('en-US')} events, 1 partition`,
        unit: 'events/s',
      },
      async () => {
        await b.query(`TRUNCATE ${table}`);
        await b.saveCheckpoint(projection.checkpoint, 0);
        const consumer = consumerOf(b, projection, 50);
        const r = await rate(EVENTS, async () => {
          consumer.start();
          await until(async () => (await checkpoint()) >= head);
        });
        await consumer.stop();
        return r;
      },
    );

    for (const mode of ['push', 'poll'] as const) {
      // push: A listens like a serve process with consumers, so its commits send NOTIFY
      const stopListening = mode === 'push' ? a.onRemoteAppends(() => undefined) : undefined;
      const consumer = consumerOf(b, projection, mode === 'push' ? 10_000 : 100);
      consumer.start();
      await until(async () => (await checkpoint()) >= (await a.headPosition()));
      const latencies: number[] = [];
      for (let i = 0; i < SAMPLES; i++) {
        const id = `v-${mode}-${i}`;
        const started = performance.now();
        await a.append({ streamType: 'cart', streamId: id, expectedVersion: 'no_stream', events: [benchEvent(i)] });
        await until(async () => (await a.query(`SELECT 1 FROM ${table} WHERE id = $1`, [id])).rowCount > 0);
        latencies.push(performance.now() - started);
      }
      await consumer.stop();
      stopListening?.();
      latencies.sort((x, y) => x - y);
      for (const [q, name] of [
        [0.5, 'p50'],
        [0.99, 'p99'],
      ] as const) {
        ctx.report.record(
          {
            id: `visibility_${mode}_${name}`,
            title: `command → row visible in another process, ${name}, woken by ${mode === 'push' ? 'LISTEN/NOTIFY' : 'a 100 ms poll'}`,
            unit: 'ms',
            lowerIsBetter: true,
          },
          [quantile(latencies, q)],
        );
      }
    }

    // 4 partitions in one process: four workers, each reading its part of the log (the
    // partition filter is applied by the read) and committing its batches concurrently.
    const parted = { ...projection, partitions: 4 };
    await ctx.report.figure(
      {
        id: 'async_catchup_p4',
        title: `async projection catch-up of ${EVENTS.toLocaleString('en-US')} events, 4 partitions`,
        unit: 'events/s',
      },
      async () => {
        await b.query(`TRUNCATE ${table}`);
        await b.saveCheckpoint(layoutKey(parted.checkpoint), 4);
        for (const key of partitionKeys(parted.checkpoint, 4)) await b.saveCheckpoint(key, 0);
        // the log now also holds the visibility samples' events
        const [end, events] = [await a.headPosition(), EVENTS + 2 * SAMPLES];
        const consumer = consumerOf(b, parted, 50);
        const r = await rate(events, async () => {
          consumer.start();
          await until(async () => (await consumerPosition(b, parted.checkpoint, 4)) >= end);
        });
        await consumer.stop();
        return r;
      },
    );
  } finally {
    await a.close();
    await b.close();
  }
}
