/**
 * The background job of removals, run by one process of a cluster at a time (a lease): it
 * carries out queued hard deletes and truncations (oldest first), and sweeps the aggregates
 * with `retention` every `check_every`, truncating the streams past their limits.
 */
import type { ConsumerEnv } from '../consumers/Consumer.js';
import { LeasedLoop } from '../consumers/LeasedLoop.js';
import type { RetentionConfig } from '../config/schema/aggregates.js';
import { isTuskError } from '../errors.js';
import type { Removal } from '../store/EventStore.js';
import { asTenant, SWEEP_BATCH, type StreamRemover } from './StreamRemover.js';

/** The removal job of this process. */
export class RemovalRunner extends LeasedLoop {
  /** Per aggregate type with `retention`: when its next sweep is due (ms). */
  private readonly due = new Map<string, number>();

  constructor(
    env: ConsumerEnv,
    private readonly remover: StreamRemover,
    private readonly retention: ReadonlyMap<string, RetentionConfig>,
    private readonly now: () => number = Date.now,
  ) {
    super(env, 'removals', 0, 'removals');
    for (const type of retention.keys()) this.due.set(type, 0);
  }

  protected async step(): Promise<boolean> {
    const job = await this.env.store.claimRemoval();
    if (job !== undefined) {
      await this.carryOut(job);
      return true;
    }
    return this.sweep();
  }

  /** Runs one queued removal; a removal the engine refuses is marked failed (a store outage is retried). */
  private async carryOut(job: Removal): Promise<void> {
    const { store, logger } = this.env;
    try {
      // A tenant's removal runs as that tenant: row-level security keeps it to the tenant's rows.
      await asTenant(job.tenant, () =>
        job.kind === 'delete'
          ? this.remover.hardDelete(job.streamType, job.streamId, job.id)
          : this.remover.truncate(job.streamType, job.streamId, job.beforeVersion ?? 1, job.id),
      );
      logger.info({ removal: job.id, kind: job.kind, aggregate_type: job.streamType, aggregate_id: job.streamId }, 'stream removal done');
    } catch (err) {
      if (isTuskError(err) && err.code === 'STORE_UNAVAILABLE') throw err;
      const message = err instanceof Error ? err.message : String(err);
      logger.warn({ err, removal: job.id }, 'stream removal failed');
      await store.failRemoval(job.id, message);
    }
  }

  /** Truncates up to SWEEP_BATCH streams of the first aggregate type whose sweep is due. */
  private async sweep(): Promise<boolean> {
    const now = this.now();
    for (const [type, config] of this.retention) {
      if ((this.due.get(type) ?? 0) > now) continue;
      const { found, truncated } = await this.remover.sweepBatch(type, config, now, SWEEP_BATCH);
      if (truncated > 0) this.env.logger.info({ aggregate_type: type, streams: truncated }, 'retention truncated streams');
      // A full batch may have more behind it: sweep again at once.
      if (found < SWEEP_BATCH || truncated === 0) this.due.set(type, now + config.check_every);
      return truncated > 0;
    }
    return false;
  }
}
