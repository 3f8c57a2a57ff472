/**
 * The archive job of `serve`: every `event_store.archive.interval`, one process of the fleet
 * (the holder of the `tusk-es/archive` lease) runs runArchive. `tusk-es archive` runs the same,
 * once. The lease, its renewal, the idle wait and the backoff after a failure are the consumer
 * framework's leased loop (src/consumers/LeasedLoop.ts), as for the saga scheduler.
 */
import { ConsumerMetrics } from '../consumers/ConsumerMetrics.js';
import { LeasedLoop } from '../consumers/LeasedLoop.js';
import { newOwnerId } from '../consumers/ownerId.js';
import type { Feature } from '../runtime/Feature.js';
import type { Runtime } from '../runtime/Runtime.js';
import { archiveRules, archives } from './archiveRules.js';
import { runArchive } from './runArchive.js';

const LEASE = 'tusk-es/archive';

/** One run of the archive per interval, in the process that holds the lease. */
class ArchiveJob extends LeasedLoop {
  constructor(
    private readonly runtime: Runtime,
    private readonly batchSize: number,
    intervalMs: number,
  ) {
    super(
      {
        store: runtime.store,
        logger: runtime.logger.child({ component: 'archive' }),
        owner: newOwnerId(),
        metrics: ConsumerMetrics.of(runtime.metrics.registry),
        pollIntervalMs: intervalMs,
        leaseTtlMs: runtime.model.projection_defaults.lease_ttl,
      },
      'archive',
      0,
      LEASE,
    );
  }

  /** Moves everything that is due, then idles for the interval (false: nothing left to do now). */
  protected async step(): Promise<boolean> {
    const result = await runArchive(this.runtime.store, archiveRules(this.runtime.model), {
      batchSize: this.batchSize,
      stopped: () => !this.active,
    });
    if (result.events > 0) this.env.logger.info({ streams: result.streams, events: result.events }, 'archived');
    return false;
  }
}

export const archiveFeature: Feature = {
  name: 'archive',
  async install(runtime) {
    if (!archives(runtime.model)) return;
    const job = new ArchiveJob(
      runtime,
      runtime.model.event_store.archive?.batch_size ?? 1000,
      runtime.model.event_store.archive?.interval ?? 60_000,
    );
    await runtime.addService({ name: 'archive', start: () => job.start(), stop: () => job.stop() });
  },
};
