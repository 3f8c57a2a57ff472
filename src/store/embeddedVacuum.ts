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
 * Autovacuum also freezes a table whose oldest unfrozen transaction id grows old, whatever its
 * dead rows: transaction ids are 32 bits, and past about two billion transactions the rows of a
 * never-frozen table (the event log is only ever inserted into) would turn invisible. A
 * standalone backend such as PGlite does not even refuse writes as that nears, so the store
 * applies that rule too (autovacuum_freeze_max_age, 200 million).
 */
import type { PGlite } from '@electric-sql/pglite';
import { qualify } from './quoteIdent.js';

/** How often the embedded store looks for tables to vacuum. */
export const VACUUM_EVERY_MS = 5_000;

/** PostgreSQL's autovacuum_freeze_max_age: a table (or its TOAST table) whose relfrozenxid is older is frozen. */
export const FREEZE_MAX_AGE = 200_000_000;

/**
 * Vacuums every table of `db` that autovacuum's rules say is due (dead rows past the threshold;
 * a transaction id age past `freezeMaxAge`, then frozen); returns their names.
 */
export async function vacuumDue(db: Pick<PGlite, 'query' | 'exec'>, freezeMaxAge = FREEZE_MAX_AGE): Promise<string[]> {
  const { rows } = await db.query<{ schema: string; name: string; freeze: boolean }>(
    `SELECT s.schemaname AS schema, s.relname AS name,
            greatest(age(c.relfrozenxid), coalesce(age(t.relfrozenxid), 0)) > $1 AS freeze
       FROM pg_stat_user_tables s
       JOIN pg_class c ON c.oid = s.relid
       LEFT JOIN pg_class t ON t.oid = c.reltoastrelid
      WHERE s.n_dead_tup > 50 + 0.2 * greatest(s.n_live_tup, 0)
         OR greatest(age(c.relfrozenxid), coalesce(age(t.relfrozenxid), 0)) > $1`,
    [freezeMaxAge],
  );
  const names: string[] = [];
  for (const r of rows) {
    const name = qualify(r.schema, r.name);
    await db.exec(r.freeze ? `VACUUM (FREEZE) ${name}` : `VACUUM ${name}`);
    names.push(name);
  }
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
