/**
 * The range partitions of an events table partitioned by time: one per interval (UTC), from
 * the oldest event to two intervals ahead, and a default partition that takes anything
 * outside them, so an append never fails for want of a partition. Every start adds the
 * partitions of the coming intervals (pg_partman is not needed).
 */
import type { SqlExecutor, StoreTables } from '../EventStore.js';
import { literal } from './eventsTable.js';

type Interval = 'day' | 'week' | 'month';

/** Intervals created ahead of now. */
const AHEAD = 2;

/** Creates the partitions of a new time-partitioned table, covering the rows of `source` (a table about to be copied in). */
export async function createTimePartitions(tx: SqlExecutor, t: StoreTables, interval: Interval, source: string): Promise<void> {
  const { rows } = await tx.query<{ oldest: string }>(`SELECT COALESCE(min(created_at), now())::text AS oldest FROM ${source}`);
  for (const range of await ranges(tx, interval, rows[0]!.oldest)) {
    await tx.query(
      `CREATE TABLE ${t.table(partitionName(range.from))} PARTITION OF ${t.events} FOR VALUES FROM (${literal(range.from)}) TO (${literal(range.to)})`,
    );
  }
  await tx.query(`CREATE TABLE ${t.table('events_default')} PARTITION OF ${t.events} DEFAULT`);
}

/**
 * Adds the partitions from now to AHEAD intervals on that are missing; one whose range already
 * has rows in the default partition is left out (its rows stay there, still read and ordered).
 */
export async function ensureTimePartitions(tx: SqlExecutor, t: StoreTables, interval: Interval): Promise<void> {
  for (const range of await ranges(tx, interval, undefined)) {
    const name = partitionName(range.from);
    const exists = await tx.query(
      `SELECT 1 FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = $1 AND c.relname = $2`,
      [t.schema, `${t.prefix}${name}`],
    );
    if (exists.rows.length > 0) continue;
    const taken = await tx.query(`SELECT 1 FROM ${t.table('events_default')} WHERE created_at >= $1 AND created_at < $2 LIMIT 1`, [
      range.from,
      range.to,
    ]);
    if (taken.rows.length > 0) continue;
    await tx.query(
      `CREATE TABLE ${t.table(name)} PARTITION OF ${t.events} FOR VALUES FROM (${literal(range.from)}) TO (${literal(range.to)})`,
    );
  }
}

/** The UTC ranges of `interval` from the one holding `oldest` (default now) to AHEAD after now. */
async function ranges(tx: SqlExecutor, interval: Interval, oldest: string | undefined): Promise<{ from: string; to: string }[]> {
  const { rows } = await tx.query<{ from: string; to: string }>(
    `SELECT to_char(g AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') AS "from", to_char((g + step) AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') AS "to"
       FROM (SELECT ('1 ' || $1)::interval AS step) AS s,
            generate_series(date_trunc($1, COALESCE($2::timestamptz, now()), 'UTC'), date_trunc($1, now(), 'UTC') + ${AHEAD} * ('1 ' || $1)::interval, ('1 ' || $1)::interval) AS g`,
    [interval, oldest ?? null],
  );
  return rows;
}

/** `events_20261201` for the range starting 2026-12-01. */
function partitionName(from: string): string {
  return `events_${from.slice(0, 10).replaceAll('-', '')}`;
}
