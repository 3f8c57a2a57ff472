/**
 * Metrics read from the store (issue 19): group-commit batch sizes, the connection pool's use,
 * and the lag of every saved checkpoint (head of the log minus it: projections, relays, saga
 * triggers, consumer partitions), whichever process owns the reader; the consumers' own
 * tusk_consumer_lag_events is set by the owning process. Pool and lag are read when /metrics
 * is scraped.
 */
import { Gauge, Histogram, type Registry } from 'prom-client';
import { listCheckpoints } from '../admin/sql/listCheckpoints.js';
import type { EventStore } from '../store/EventStore.js';
import { SAGA_HASH_IDS_UNTIL } from '../store/migrations/schemaMigrations.js';

/** Registers the store's metrics on `registry`; returns what stops them. */
export function registerStoreMetrics(registry: Registry, store: EventStore): () => void {
  const batches = new Histogram({
    name: 'tusk_append_batch_size',
    help: 'Appends (commands) written together in one group-commit batch.',
    buckets: [1, 2, 4, 8, 16, 32, 64, 128, 256],
    registers: [registry],
  });
  const unsubscribe = store.onBatch?.((size) => batches.observe(size)) ?? (() => undefined);

  new Gauge({
    name: 'tusk_store_pool_connections',
    help: 'Connections of the PostgreSQL pool, by state (max, open, idle, in_use) and callers waiting for one (waiting).',
    labelNames: ['state'] as const,
    registers: [registry],
    collect() {
      const pool = store.poolStats?.();
      if (pool === undefined) return;
      this.set({ state: 'max' }, pool.max);
      this.set({ state: 'open' }, pool.total);
      this.set({ state: 'idle' }, pool.idle);
      this.set({ state: 'in_use' }, pool.total - pool.idle);
      this.set({ state: 'waiting' }, pool.waiting);
    },
  });

  new Gauge({
    name: 'tusk_checkpoint_lag_events',
    help: 'Log positions between the head of the log and every saved checkpoint (projections, relays, saga triggers, consumer partitions), read from the store at scrape time, by checkpoint name.',
    labelNames: ['checkpoint'] as const,
    registers: [registry],
    async collect() {
      try {
        const [head, checkpoints] = await Promise.all([store.headPosition(), listCheckpoints(store, store.tables)]);
        this.reset();
        for (const c of checkpoints) if (c.name !== SAGA_HASH_IDS_UNTIL) this.set({ checkpoint: c.name }, Math.max(0, head - c.position)); // a mark, not a reader
      } catch {
        // the store is unreachable: keep the last figures; /health reports the outage
      }
    },
  });
  return unsubscribe;
}
