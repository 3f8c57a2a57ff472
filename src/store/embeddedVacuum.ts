/**
 * Vacuuming for the embedded store. PGlite is one PostgreSQL backend in this process, with no
 * autovacuum launcher: nothing ever vacuumed its tables. Tables whose rows are updated keep
 * every dead version, and so do their indexes: the default app's `saga_instances` (each saga's
 * row is updated at every step, and its status and next_due_at are indexed, so no update is
 * HOT) held 89,000 dead rows against 30,000 live after 3 minutes of the order flow, and the
 * saga scheduler's due query read the dead entries of its partial index at every poll, a
 * cost that grew with every saga ever run (issue 21, soak_app; bench/README.md). This applies
 * autovacuum's own rule (autovacuum_vacuum_threshold 50, autovacuum_vacuum_scale_factor 0.2)
 * every few seconds, on PGlite's thread between queries, as autovacuum would in a server.
 */
import type { PGlite } from '@electric-sql/pglite';
import { qualify } from './quoteIdent.js';

/** How often the embedded store looks for tables to vacuum. */
export const VACUUM_EVERY_MS = 5_000;

/** Vacuums every table of `db` that autovacuum's rule says is due; returns their names. */
export async function vacuumDue(db: Pick<PGlite, 'query' | 'exec'>): Promise<string[]> {
  const { rows } = await db.query<{ schema: string; name: string }>(
    `SELECT schemaname AS schema, relname AS name FROM pg_stat_user_tables
      WHERE n_dead_tup > 50 + 0.2 * greatest(n_live_tup, 0)`,
  );
  const names = rows.map((r) => qualify(r.schema, r.name));
  for (const name of names) await db.exec(`VACUUM ${name}`);
  return names;
}

/** Runs vacuumDue every `everyMs` until stopped; a failed pass (a table dropped meanwhile) is retried at the next. */
export function startVacuuming(db: Pick<PGlite, 'query' | 'exec'>, everyMs = VACUUM_EVERY_MS): { stop(): Promise<void> } {
  let pass: Promise<unknown> = Promise.resolve();
  let stopped = false;
  const timer = setInterval(() => {
    pass = pass.then(() => (stopped ? undefined : vacuumDue(db).catch(() => undefined)));
  }, everyMs).unref();
  return {
    async stop() {
      stopped = true;
      clearInterval(timer);
      await pass;
    },
  };
}
