/**
 * Rebuild's fast path: a batch that one insert mapping writes with one SQL shape is replayed by
 * the database itself (INSERT … SELECT over the event rows) instead of being read into the
 * process, planned, and sent back. The statement is the merged statement the process would
 * send for that batch, with each value read from the event row instead of from a jsonb array,
 * so the rows are the same whichever path writes them (tests compare them).
 *
 * A batch qualifies when every event in it has the type of its first event, is at its newest
 * schema version (nothing to upcast), and gives every value its mapping reads the same kind as
 * the first event does (so the process would build the same SQL for each); and when the mapping
 * is a mergeable insert that reads only data, metadata and the stream fields (not `timestamp`
 * or NOW(), whose text the process formats). Any other batch goes through the process, and so
 * does a batch that inserts a key twice or one that is already there (the statement fails
 * then, writing nothing, rather than paying for ON CONFLICT on every row).
 */
import type { ValueOrigin } from '../../expr/index.js';
import { isSystemEventType } from '../../engine/systemEvents.js';
import { identityUpcaster, type Upcaster } from '../../engine/upcaster.js';
import type { EventStore, StoredEvent } from '../../store/EventStore.js';
import { safeToRead } from '../../store/safeToRead.js';
import type { PlannedWrite } from '../apply/PlannedWrite.js';
import { mergedWriteSql, type TableRef } from '../apply/writeSql.js';
import type { CompiledProjection } from '../compile/compileProjection.js';
import { eventScope } from '../compile/eventScope.js';
import { EVENT, originsReadable, readsDocument, rowKindCondition, rowReadable, rowValueSql } from '../sql/eventRowValues.js';
import type { Replay } from './Replay.js';

/**
 * Replays the batches after `after` in the database while they qualify (see above); resolves
 * to the position reached, the events written, and `done` when it stopped because it has
 * passed `upTo` or read what is safely readable (not because a batch did not qualify).
 */
export async function replayInDatabase(
  replay: Replay,
  after: number,
  upTo: number,
): Promise<{ position: number; events: number; done: boolean }> {
  const { store, projection, fresh, limit, upcast, clock } = replay;
  let position = after;
  let written = 0;
  for (;;) {
    if (position >= upTo) return { position, events: written, done: true };
    const [probe] = await store.readAll({ after: position, limit: 1, types: projection.types });
    if (probe === undefined) return { position, events: written, done: true };
    const write = inDatabaseWrite(projection, probe, upcast);
    if (write === undefined) break;
    const statement = batchStatement(store, projection, fresh[write.target]!, probe, write, upcast, position, limit);
    if (statement === undefined) break;
    let batch: { events: number; last: string | number | null; ok: boolean | null } | undefined;
    try {
      batch = (await store.query<{ events: number; last: string | number | null; ok: boolean | null }>(statement.sql, statement.params))
        .rows[0];
    } catch {
      // the process replays this batch again and reports its failure with the events named
      break;
    }
    if (batch === undefined || batch.events === 0 || batch.ok !== true || batch.last === null) break;
    position = Number(batch.last);
    written += batch.events;
    // a short batch means no more events of this type yet, not that the log ends here
    clock.advance(batch.events, position);
  }
  return { position, events: written, done: false };
}

/** The write of `probe` when its mapping can run in the database, else undefined. */
function inDatabaseWrite(projection: CompiledProjection, probe: StoredEvent, upcast: Upcaster): PlannedWrite | undefined {
  // A closing snapshot's write depends on its stream's type (on_snapshot): the process decides.
  if (isSystemEventType(probe.type)) return undefined;
  const planners = projection.planners.get(probe.type);
  if (planners?.length !== 1) return undefined;
  if (upcast !== identityUpcaster && upcast.newestVersion === undefined) return undefined;
  if (upcast(probe) !== probe) return undefined;
  const write = planners[0]!(probe, eventScope(probe));
  if (write === undefined || write.action !== 'insert' || !write.mergeable) return undefined;
  if (!originsReadable(originsOf(write))) return undefined;
  if (!write.fragments.every((f) => f.reads.every((r) => rowReadable(r.root, r.path)))) return undefined;
  return write;
}

/** Where each of `write`'s values comes from, in placeholder order. */
function originsOf(write: PlannedWrite): ValueOrigin[] {
  return write.fragments.flatMap((f) => f.origins);
}

/**
 * One statement for the next batch after `after` (at most `limit` events of `probe`'s type,
 * those `readAll` would read): it marks each event that qualifies with `probe`'s write, inserts
 * the batch only when all do and no event of another of the projection's types lies between
 * them, and returns the batch's size, last position and whether it was written (`ok`).
 */
function batchStatement(
  store: EventStore,
  projection: CompiledProjection,
  table: TableRef,
  probe: StoredEvent,
  write: PlannedWrite,
  upcast: Upcaster,
  after: number,
  limit: number,
): { sql: string; params: unknown[] } | undefined {
  const params = new Params([after, [...projection.types], limit, probe.type]);
  const add = (value: unknown) => params.add(value);
  const conditions = [`${EVENT}.type = $4`];
  const newest = upcast.newestVersion?.(probe.type);
  if (newest !== undefined) conditions.push(`${EVENT}.event_version >= ${params.add(newest)}::int`);
  const seen = new Set<string>();
  for (const read of write.fragments.flatMap((f) => f.reads)) {
    const key = JSON.stringify(read);
    if (seen.has(key) || !readsDocument(read)) continue;
    seen.add(key);
    conditions.push(rowKindCondition(read, add));
  }
  const origins = originsOf(write);
  const insert = mergedWriteSql(table, write, {
    from: EVENT,
    filter: '(SELECT ok FROM _tusk_batch)',
    orderBy: `${EVENT}.position`,
    value: (n) => rowValueSql(origins[n - 1]!, add),
    failOnConflict: true,
  });
  if (insert === undefined) return undefined;
  // Events of the probe's type come in the order of the (type, position) index, so a batch
  // costs its own size, not the log's; an event of another type inside the batch disqualifies it.
  const sql = `WITH ${EVENT} AS MATERIALIZED (
      SELECT position, type, stream_id, stream_type, version, event_version, data, metadata, COALESCE(${conditions.join(' AND ')}, false) AS _tusk_ok
        FROM ${store.tables.events} AS ${EVENT}
       WHERE ${EVENT}.type = $4 AND ${EVENT}.position > $1 AND ${safeToRead(EVENT)}
       ORDER BY ${EVENT}.position LIMIT $3),
    _tusk_batch AS MATERIALIZED (
      SELECT b.events, b.last, b.ok AND NOT EXISTS (
               SELECT 1 FROM ${store.tables.events} AS _tusk_other
                WHERE _tusk_other.type = ANY($2::text[]) AND _tusk_other.type <> $4 AND _tusk_other.position > $1 AND _tusk_other.position <= b.last) AS ok
        FROM (SELECT count(*)::int AS events, max(position) AS last, COALESCE(bool_and(_tusk_ok), false) AS ok FROM ${EVENT}) AS b),
    _tusk_insert AS (${insert})
  SELECT events, last, ok FROM _tusk_batch`;
  return { sql, params: params.values };
}

/** The bound values of a statement being built: each added value gets the next placeholder. */
class Params {
  constructor(readonly values: unknown[]) {}

  add(value: unknown): string {
    this.values.push(value);
    return `$${this.values.length}`;
  }
}
