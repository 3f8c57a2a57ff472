/**
 * Moves the events table into a layout (EventsLayout), inside the migration transaction:
 * the old table is renamed, the new one created LIKE it (so columns other migrations added
 * come along) with the layout's partitions and indexes, every row copied with its position,
 * the identity sequence carried over, and the old table dropped. The layout is recorded as the
 * table's comment, so a start with the same layout does nothing.
 */
import type { SqlExecutor, StoreTables } from '../EventStore.js';
import { qualify, quoteIdent } from '../quoteIdent.js';
import { sameLayout, type EventsLayout } from './EventsLayout.js';
import { createTimePartitions, ensureTimePartitions } from './timePartitions.js';

const COMMENT_PREFIX = 'tusk-es layout ';

/** The layout the events table has now ("none" for a table from before layouts). */
export async function readLayout(tx: SqlExecutor, t: StoreTables): Promise<EventsLayout> {
  const { rows } = await tx.query<{ c: string | null }>(`SELECT obj_description(to_regclass($1), 'pg_class') AS c`, [t.events]);
  const comment = rows[0]?.c;
  if (comment === null || comment === undefined || !comment.startsWith(COMMENT_PREFIX)) return { by: 'none' };
  return JSON.parse(comment.slice(COMMENT_PREFIX.length)) as EventsLayout;
}

/** Brings the events table into `layout` (a no-op when it is there already, but for new time partitions). */
export async function applyLayout(tx: SqlExecutor, t: StoreTables, layout: EventsLayout): Promise<void> {
  const current = await readLayout(tx, t);
  if (!sameLayout(current, layout)) await convert(tx, t, layout);
  if (layout.by === 'time') await ensureTimePartitions(tx, t, layout.interval);
}

async function convert(tx: SqlExecutor, t: StoreTables, layout: EventsLayout): Promise<void> {
  const name = `${t.prefix}events`;
  const oldName = `${name}_old_layout`;
  const old = qualify(t.schema, oldName);
  // Appends of other processes wait here until the new table is committed.
  await tx.query(`LOCK TABLE ${t.events} IN ACCESS EXCLUSIVE MODE`);
  await tx.query(`ALTER TABLE ${t.events} RENAME TO ${quoteIdent(oldName)}`);
  const children = await tx.query<{ name: string }>(
    `SELECT c.relname AS name FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid WHERE i.inhparent = to_regclass($1)`,
    [old],
  );
  for (const c of children.rows) await tx.query(`ALTER TABLE ${qualify(t.schema, c.name)} RENAME TO ${quoteIdent(`${c.name}_old`)}`);
  const extraIndexes = await otherIndexes(tx, old);

  const by = partitionClause(layout);
  await tx.query(`CREATE TABLE ${t.events} (LIKE ${old} INCLUDING DEFAULTS INCLUDING IDENTITY INCLUDING GENERATED INCLUDING STORAGE)${by}`);
  if (layout.by === 'hash') {
    for (let i = 0; i < layout.partitionCount; i++) {
      await tx.query(
        `CREATE TABLE ${t.table(`events_p${i}`)} PARTITION OF ${t.events} FOR VALUES WITH (MODULUS ${layout.partitionCount}, REMAINDER ${i})`,
      );
    }
  } else if (layout.by === 'archived') {
    await tx.query(`CREATE TABLE ${t.table('events_hot')} PARTITION OF ${t.events} FOR VALUES IN (false)`);
    await tx.query(`CREATE TABLE ${t.table('events_archived')} PARTITION OF ${t.events} FOR VALUES IN (true)`);
  } else if (layout.by === 'time') {
    await createTimePartitions(tx, t, layout.interval, old);
  }
  // A partitioned table's unique index must hold its partition key (see versionIndexScope).
  const key = layout.by === 'archived' ? ', archived' : layout.by === 'time' ? ', created_at' : '';
  await tx.query(`ALTER TABLE ${t.events} ADD UNIQUE (stream_type, stream_id, version${key}, tenant_id)`);
  if (layout.by === 'none') await tx.query(`ALTER TABLE ${t.events} ADD PRIMARY KEY (position)`);
  else await tx.query(`CREATE INDEX ON ${t.events} (position)`);
  await tx.query(`CREATE INDEX ON ${t.events} (type, position)`);
  for (const using of extraIndexes) await tx.query(`CREATE INDEX ON ${t.events} USING ${using}`);

  await tx.query(`INSERT INTO ${t.events} OVERRIDING SYSTEM VALUE SELECT * FROM ${old}`);
  // New positions continue after every position the old sequence gave out (gaps included).
  await tx.query(
    `SELECT setval(pg_get_serial_sequence($1, 'position'), v, v > 0)
       FROM (SELECT GREATEST(1, (SELECT max(position) FROM ${old}), pg_sequence_last_value(pg_get_serial_sequence($2, 'position')::regclass)) AS v) AS s`,
    [t.events, old],
  );
  await tx.query(`DROP TABLE ${old}`);
  await tx.query(`COMMENT ON TABLE ${t.events} IS ${literal(COMMENT_PREFIX + JSON.stringify(layout))}`);
}

function partitionClause(layout: EventsLayout): string {
  switch (layout.by) {
    case 'hash':
      return ' PARTITION BY HASH (stream_type, stream_id)';
    case 'archived':
      return ' PARTITION BY LIST (archived)';
    case 'time':
      return ' PARTITION BY RANGE (created_at)';
    default:
      return '';
  }
}

/** The `USING …` part of every non-unique index of `table` that the layout does not create itself (other features' indexes). */
async function otherIndexes(tx: SqlExecutor, table: string): Promise<string[]> {
  const { rows } = await tx.query<{ def: string }>(
    `SELECT pg_get_indexdef(indexrelid) AS def FROM pg_index WHERE indrelid = to_regclass($1) AND NOT indisunique`,
    [table],
  );
  const own = new Set(['btree (type, position)', 'btree (position)']);
  return rows.map((r) => / USING (.+)$/.exec(r.def)?.[1] ?? '').filter((u) => u !== '' && !own.has(u.replaceAll('"', '')));
}

/** A quoted SQL string literal (DDL takes no bound values). */
export function literal(text: string): string {
  return `'${text.replaceAll("'", "''")}'`;
}
