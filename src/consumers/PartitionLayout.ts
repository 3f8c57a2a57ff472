/**
 * Changing a consumer's partition count (see README, "Changing the partition count"). Before
 * its workers start, a process whose config says N partitions brings the consumer to N if the
 * database says it runs with M ≠ N; one process at a time (the layout lease):
 *
 * 1. it seizes the M old partitions' leases (their holders' next commit fails its fence, so
 *    from now on only this process moves the old checkpoints);
 * 2. it drains them: each old partition behind the highest old checkpoint P handles its own
 *    events up to P, so all M stand at P: every event at or below P was handled once, none
 *    above it;
 * 3. in one transaction it retires the old leases for good, checks every old checkpoint is
 *    still P, starts the N new partitions at P and records N.
 *
 * A crash anywhere leaves the old layout in force (its leases expire, the next process starts
 * over); nothing is skipped and nothing is handled twice, because both layouts never run at
 * once: the switch fences the old one in the transaction that starts the new one.
 */
import type { EventStore } from '../store/EventStore.js';
import type { ConsumerEnv, ConsumerSpec } from './Consumer.js';
import { Lease } from './Lease.js';
import { layoutKey, partitionKeys } from './partitionKeys.js';
import { PartitionWorker } from './PartitionWorker.js';
import { fencePartitions, restartPartitions } from './restartPartitions.js';
import { existingCheckpoints, seizeLeases } from './sql/layoutLeases.js';

/** How many partitions consumer `name` runs with now, as the database says (1 when it never changed). */
export async function layoutOf(store: EventStore, name: string): Promise<number> {
  return (await store.loadCheckpoint(layoutKey(name))) || 1;
}

/** Brings consumer `spec` to `count` partitions; resolves once it runs with them (or `stopped` says so). */
export async function settleLayout(env: ConsumerEnv, spec: ConsumerSpec, count: number, stopped: () => boolean): Promise<void> {
  const pauseMs = Math.min(Math.max(env.pollIntervalMs, env.leaseTtlMs / 3), 5_000);
  while (!stopped()) {
    const from = await layoutOf(env.store, spec.name);
    if (from === count) return;
    const lease = new Lease(env.store, layoutKey(spec.name), env.owner, env.leaseTtlMs);
    if (await lease.acquire()) {
      try {
        if (await switchLayout(env, spec, count, stopped)) {
          env.logger.info({ consumer: spec.name, from, to: count }, 'consumer partitions changed');
          return;
        }
      } finally {
        await lease.release();
      }
    }
    await delay(pauseMs);
  }
}

/** One attempt at the switch, under the layout lease; false when it must be tried again. */
async function switchLayout(env: ConsumerEnv, spec: ConsumerSpec, count: number, stopped: () => boolean): Promise<boolean> {
  const { store } = env;
  const t = store.tables;
  const from = await layoutOf(store, spec.name);
  if (from === count) return true;
  const old = partitionKeys(spec.name, from);
  await seizeLeases(store, t, old, env.owner, env.leaseTtlMs);
  const seen = await existingCheckpoints(store, t, old);
  // A consumer that never ran starts where it would have: the beginning, or the head.
  const fresh = seen.size === 0;
  const target = fresh ? (spec.startAt === 'head' ? await store.headPosition() : 0) : Math.max(...old.map((k) => seen.get(k) ?? 0));
  if (!fresh) {
    for (const [index, key] of old.entries()) {
      if ((seen.get(key) ?? 0) < target) await drain(env, spec, { index, count: from, key, until: target }, () => stopped());
      if ((await layoutOf(store, spec.name)) !== from) return false; // a rebuild restarted the partitions meanwhile
    }
  }
  if (stopped()) return false;
  try {
    await store.transaction(async (tx) => {
      // the old layout is fenced first: after this, none of its commits can land
      if ((await fencePartitions(tx, store, spec.name, count)) !== from) throw new Moved();
      const now = await existingCheckpoints(tx, t, old);
      if (fresh ? now.size > 0 : old.some((k) => (now.get(k) ?? 0) !== target)) throw new Moved();
      await restartPartitions(tx, store, spec.name, from, count, target);
    });
    return true;
  } catch (err) {
    // another process moved an old partition in between: drain again
    if (err instanceof Moved) return false;
    throw err;
  }
}

/** Runs old partition `part.index` in this process until its checkpoint reaches `part.until`. */
async function drain(
  env: ConsumerEnv,
  spec: ConsumerSpec,
  part: { index: number; count: number; key: string; until: number },
  stopped: () => boolean,
): Promise<void> {
  const worker = new PartitionWorker(env, spec, part.index, part.key, { count: part.count, until: part.until });
  worker.start();
  try {
    while (
      !stopped() &&
      worker.state !== 'failed' &&
      (await env.store.loadCheckpoint(part.key)) < part.until &&
      (await layoutOf(env.store, spec.name)) === part.count
    )
      await delay(50);
  } finally {
    await worker.stop();
  }
  if (worker.state === 'failed') throw new Error(`partition ${part.key} cannot be drained: ${worker.error ?? 'failed'}`);
}

class Moved extends Error {}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms).unref());
}
