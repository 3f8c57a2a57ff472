/**
 * Vacuuming for the embedded store. PGlite is one PostgreSQL backend in this process, with no
 * autovacuum launcher: nothing ever vacuumed its tables. Tables whose rows are updated keep
 * every dead version, and so do their indexes: the default app's `saga_instances` (each saga's
 * row is updated at every step, and its status and next_due_at are indexed, so no update is
 * HOT) held 89,000 dead rows against 30,000 live after 3 minutes of the order flow, and the
 * saga scheduler's due query read the dead entries of its partial index at every poll, a
 * cost that grew with every saga ever run (issue 21, soak_app; bench/README.md). This applies
 * autovacuum's own rule (autovacuum_vacuum_threshold 50, autovacuum_vacuum_scale_factor 0.2)
 * every few seconds (embeddedMaintenance.ts), on PGlite's thread between queries, as autovacuum
 * would in a server.
 * Autovacuum also freezes a table whose oldest unfrozen transaction id grows old, whatever its
 * dead rows: transaction ids are 32 bits, and past about two billion transactions the rows of a
 * never-frozen table (the event log is only ever inserted into) would turn invisible. A
 * standalone backend such as PGlite does not even refuse writes as that nears, so the store
 * applies that rule too (autovacuum_freeze_max_age, 200 million).
 * Nor does anything ANALYZE an embedded store: the planner guessed its rows from sizes alone, and
 * `id = ANY(…)` on a key whose index also holds tenant_id looked like most of the table, so the
 * saga index's batched UPDATE scanned every instance ever started (32 ms a batch after 120,000
 * orders, the soak's growing cost: bench/README.md, stop 19). Autoanalyze's rule applies as well
 * (autovacuum_analyze_threshold 50, autovacuum_analyze_scale_factor 0.1).
 */
import type { PGlite } from '@electric-sql/pglite';
import { qualify } from './quoteIdent.js';

/** The statistics target of the store's ANALYZE (PostgreSQL's default_statistics_target is 100). */
export const STATISTICS_TARGET = 10;

/** PostgreSQL's autovacuum_freeze_max_age: a table (or its TOAST table) whose relfrozenxid is older is frozen. */
export const FREEZE_MAX_AGE = 200_000_000;

/**
 * Vacuums every table of `db` that autovacuum's rules say is due (dead rows past the threshold;
 * a transaction id age past `freezeMaxAge`, then frozen) and analyzes those whose changes since
 * their last ANALYZE pass autoanalyze's threshold; returns their names.
 */
export async function vacuumDue(db: Pick<PGlite, 'query' | 'exec'>, freezeMaxAge = FREEZE_MAX_AGE): Promise<string[]> {
  // As autovacuum: thresholds against pg_class.reltuples (kept in the catalog; the counters of
  // pg_stat_user_tables start again from zero when the process restarts), -1 (never counted) as 0.
  // A table that holds rows but has no statistics at all (a store from before this rule) is
  // analyzed at once rather than after a tenth of it changed again. Counted rows (reltuples: -1
  // never counted) tell it from a table whose rows are all deleted: ANALYZE writes no statistics
  // for that one, which would otherwise be analyzed again at every pass.
  const { rows } = await db.query<{ schema: string; name: string; vacuum: boolean; freeze: boolean; analyze: boolean }>(
    `SELECT schema, name, dead > 50 + 0.2 * tuples OR old AS vacuum, old AS freeze,
            changed > 50 + 0.1 * tuples OR (unanalyzed AND (counted > 0 OR (counted < 0 AND pg_relation_size(relid) > 0))) AS analyze
       FROM (SELECT s.relid, s.schemaname AS schema, s.relname AS name, s.n_dead_tup AS dead, s.n_mod_since_analyze AS changed,
                    greatest(c.reltuples, 0) AS tuples, c.reltuples AS counted,
                    greatest(age(c.relfrozenxid), coalesce(age(t.relfrozenxid), 0)) > $1 AS old,
                    NOT EXISTS (SELECT 1 FROM pg_statistic p WHERE p.starelid = s.relid) AS unanalyzed
               FROM pg_stat_user_tables s
               JOIN pg_class c ON c.oid = s.relid
               LEFT JOIN pg_class t ON t.oid = c.reltoastrelid) counted
      WHERE dead > 50 + 0.2 * tuples OR old OR changed > 50 + 0.1 * tuples
         OR (unanalyzed AND (counted > 0 OR (counted < 0 AND pg_relation_size(relid) > 0)))`,
    [freezeMaxAge],
  );
  const names: string[] = [];
  for (const r of rows) {
    const name = qualify(r.schema, r.name);
    if (r.vacuum) await db.exec(`VACUUM ${r.freeze ? '(FREEZE) ' : ''}${name}`);
    // A sample of 3,000 rows (PostgreSQL's 30,000 read as many pages of the event log: 1.6 s of
    // CPU on PGlite's thread at a million events, every tenth of growth) is enough to know that
    // a key is unique and how many rows a status holds.
    if (r.analyze) await db.exec(`BEGIN; SET LOCAL default_statistics_target = ${STATISTICS_TARGET}; ANALYZE ${name}; COMMIT`);
    names.push(name);
  }
  return names;
}
