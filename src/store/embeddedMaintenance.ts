/**
 * The embedded store's own maintenance, what a PostgreSQL server's background processes would
 * do: PGlite is one standalone backend (single-user mode) in this process, with no autovacuum
 * launcher and no checkpointer. Every few seconds, on PGlite's thread between queries, the
 * store vacuums and analyzes by autovacuum's rules (embeddedVacuum.ts) and checkpoints by the
 * WAL it wrote.
 *
 * Why the checkpoints: a standalone backend asks for a checkpoint when its WAL passes
 * max_wal_size only under a postmaster (xlog.c's XLogWrite tests IsUnderPostmaster), and
 * checkpoint_timeout is the checkpointer's. So PGlite checkpointed only at close: its pg_wal
 * kept every segment written since it started, 16 MB every ~3 s of the order flow (752 MB
 * after 150 s, with no bound; bench/README.md, "The embedded store's WAL"), and a process killed
 * meanwhile replayed all of it at its next start. A checkpoint lets PostgreSQL remove or recycle
 * the segments before its redo point; how many it keeps as recycled ones is bounded by
 * max_wal_size (XLOGfileslop), hence the start parameters below.
 */
import type { PGlite } from '@electric-sql/pglite';
import { vacuumDue } from './embeddedVacuum.js';

/** How often the embedded store looks for maintenance to do. */
export const MAINTENANCE_EVERY_MS = 5_000;

/**
 * WAL written since the last checkpoint's redo point past which the store checkpoints. A
 * checkpoint writes the dirty pages of shared_buffers (8 MB at most), so its pause hardly
 * depends on this; more often means more full-page images in the WAL after each one.
 */
export const CHECKPOINT_WAL_BYTES = 64 * 1024 * 1024;

/**
 * PGlite start parameters for the WAL. After a checkpoint PostgreSQL keeps old segments, renamed
 * as future ones, up to max_wal_size past the redo point (at least min_wal_size): 128 MB holds
 * the WAL of one checkpoint interval (the threshold plus one pass of writes), so segments are
 * recycled rather than created and zero-filled, and the directory stays within about that.
 */
export const WAL_START_PARAMS: readonly string[] = [
  '-c',
  'max_wal_size=128MB',
  '-c',
  'min_wal_size=32MB',
  // Full-page images guard against a page torn by an OS crash or power loss, which PGlite does
  // not survive anyway: it runs with fsync off (its `-F`). A process that dies leaves whole
  // pages (its writes are in the OS's cache), and WAL replay needs no images for those. With
  // a checkpoint every CHECKPOINT_WAL_BYTES, the first change of every page after each one
  // would write the whole 8 kB page into the WAL again (the event log's random-id index:
  // most of its leaves): the WAL, and the work of writing it, would grow with the checkpoints.
  '-c',
  'full_page_writes=off',
];

/** Runs CHECKPOINT when `db` wrote `walBytes` of WAL or more since its last checkpoint's redo point; says whether it did. */
export async function checkpointDue(db: Pick<PGlite, 'query' | 'exec'>, walBytes = CHECKPOINT_WAL_BYTES): Promise<boolean> {
  // pg_control_checkpoint() reads the control file, which any checkpoint updates, the one at
  // the last close included.
  const { rows } = await db.query<{ due: boolean }>(
    'SELECT pg_wal_lsn_diff(pg_current_wal_lsn(), redo_lsn) >= $1 AS due FROM pg_control_checkpoint()',
    [walBytes],
  );
  if (rows[0]?.due !== true) return false;
  await db.exec('CHECKPOINT');
  return true;
}

/** When maintenance runs and how much WAL a checkpoint waits for (tests make both small). */
export interface MaintenanceOptions {
  everyMs?: number;
  checkpointWalBytes?: number;
}

/** Vacuums (vacuumDue) and checkpoints (checkpointDue) every `everyMs` until stopped; a failed pass (a table dropped meanwhile) is retried at the next. */
export function startMaintenance(db: Pick<PGlite, 'query' | 'exec'>, options: MaintenanceOptions = {}): { stop(): Promise<void> } {
  let pass: Promise<unknown> = Promise.resolve();
  let stopped = false;
  const timer = setInterval(() => {
    pass = pass.then(async () => {
      if (stopped) return;
      await vacuumDue(db).catch(() => undefined);
      // After the vacuum: its WAL counts towards this checkpoint.
      await checkpointDue(db, options.checkpointWalBytes).catch(() => undefined);
    });
  }, options.everyMs ?? MAINTENANCE_EVERY_MS).unref();
  return {
    async stop() {
      stopped = true;
      clearInterval(timer);
      await pass;
    },
  };
}
