/**
 * The SQL of the files tier: the rows of a batch as the lines of its file, the transaction that
 * records a written file in the manifest and deletes its events, and the manifest look-ups of
 * the reads (archive_files, archive_segments: migration 10).
 */
import type { ReadAllOptions, SqlExecutor, StoreTables } from '../EventStore.js';
import { inPartition } from '../sql/partitionOf.js';
import type { WrittenFile } from './ArchiveDirectory.js';
import { bumpLogEpoch } from '../sql/logEpoch.js';

/** An event of a batch: where it belongs, and its line in the file. */
export interface BatchRow {
  position: number;
  stream_type: string;
  stream_id: string;
  version: number;
  line: string;
}

/**
 * Every hot event of `streams` but the newest of each (which stays: it carries the stream's
 * version for the next append), in position order, each with its file line. The line is built
 * by the database (jsonb, timestamps in UTC with microseconds), so a batch read twice gives
 * the same bytes, hence the same file.
 */
export async function batchRows(
  db: SqlExecutor,
  t: StoreTables,
  streams: readonly { streamType: string; streamId: string }[],
): Promise<BatchRow[]> {
  const { rows } = await db.query<BatchRow>(
    `SELECT e.position::bigint AS position, e.stream_type, e.stream_id, e.version,
            jsonb_build_object('position', e.position, 'id', e.id, 'stream_type', e.stream_type, 'stream_id', e.stream_id,
              'version', e.version, 'type', e.type, 'event_version', e.event_version, 'data', e.data, 'metadata', e.metadata,
              'created_at', to_char(e.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'))::text AS line
       FROM (SELECT s.t, s.i, (SELECT max(v.version) FROM ${t.events} v WHERE v.stream_type = s.t AND v.stream_id = s.i) AS head
               FROM unnest($1::text[], $2::text[]) AS s(t, i)) AS h
       JOIN ${t.events} e ON e.stream_type = h.t AND e.stream_id = h.i AND e.version < h.head AND NOT e.archived
      ORDER BY e.position`,
    [streams.map((s) => s.streamType), streams.map((s) => s.streamId)],
  );
  return rows.map((r) => ({ ...r, position: Number(r.position) }));
}

/**
 * Inside `tx`, which holds the append lock: deletes the batch's events from the events table,
 * records its file and segments, and bumps the log epoch (logEpoch.ts), all or nothing.
 * Resolves to the events moved: 0 when another run moved this batch already; throws (the
 * transaction then writes nothing) when only part of it is still there.
 */
export async function commitBatch(tx: SqlExecutor, t: StoreTables, file: WrittenFile, rows: readonly BatchRow[]): Promise<number> {
  const deleted = await tx.query(`DELETE FROM ${t.events} WHERE position = ANY($1::bigint[]) AND NOT archived`, [
    rows.map((r) => r.position),
  ]);
  if (deleted.rowCount === 0) return 0;
  if (deleted.rowCount !== rows.length)
    throw new Error(
      `archive: ${deleted.rowCount} of the ${rows.length} events of ${file.name} were still in the events table: batch rolled back`,
    );
  await tx.query(`INSERT INTO ${t.table('archive_files')} (name, events, sha256) VALUES ($1, $2, $3)`, [
    file.name,
    file.events,
    file.sha256,
  ]);
  const segments = new Map<string, { type: string; id: string; from: number; to: number; first: number; last: number }>();
  for (const r of rows) {
    const key = JSON.stringify([r.stream_type, r.stream_id]);
    const s = segments.get(key);
    if (s === undefined)
      segments.set(key, { type: r.stream_type, id: r.stream_id, from: r.version, to: r.version, first: r.position, last: r.position });
    else {
      s.from = Math.min(s.from, r.version);
      s.to = Math.max(s.to, r.version);
      s.last = Math.max(s.last, r.position);
    }
  }
  const all = [...segments.values()];
  await tx.query(
    `INSERT INTO ${t.table('archive_segments')} (stream_type, stream_id, from_version, to_version, first_position, last_position, file)
     SELECT *, $7 FROM unnest($1::text[], $2::text[], $3::int[], $4::int[], $5::bigint[], $6::bigint[])`,
    [
      all.map((s) => s.type),
      all.map((s) => s.id),
      all.map((s) => s.from),
      all.map((s) => s.to),
      all.map((s) => s.first),
      all.map((s) => s.last),
      file.name,
    ],
  );
  await bumpLogEpoch(tx, t);
  return rows.length;
}

/** A file of the manifest that a read needs. */
export interface ManifestFile {
  file: string;
  sha256: string;
  /** The smallest position of the file's events the read wants. */
  first: number;
}

/** The files holding versions `from` … `to` of one stream, oldest first. */
export async function streamFiles(
  db: SqlExecutor,
  t: StoreTables,
  streamType: string,
  streamId: string,
  from: number,
  to: number,
): Promise<ManifestFile[]> {
  const { rows } = await db.query<ManifestFile>(
    `SELECT s.file, f.sha256, s.first_position::bigint AS first FROM ${t.table('archive_segments')} s JOIN ${t.table('archive_files')} f ON f.name = s.file
      WHERE s.stream_type = $1 AND s.stream_id = $2 AND s.to_version >= $3 AND s.from_version <= $4 ORDER BY s.from_version`,
    [streamType, streamId, from, to],
  );
  return rows.map((r) => ({ ...r, first: Number(r.first) }));
}

/**
 * The files with events after `options.after` (and at or before `bound`) of the streams in
 * `options.partition`, by their first such position; with the streams wanted from each.
 */
export async function logFiles(
  db: SqlExecutor,
  t: StoreTables,
  options: ReadAllOptions,
  bound: number | undefined,
): Promise<(ManifestFile & { streams: [string, string][] })[]> {
  const params: unknown[] = [options.after, bound ?? null];
  let partition = '';
  if (options.partition !== undefined && options.partition.count > 1) {
    params.push(options.partition.count, options.partition.index);
    partition = `AND ${inPartition('$3::bigint', '$4::bigint', 's')}`;
  }
  const { rows } = await db.query<ManifestFile & { streams: [string, string][] }>(
    `SELECT s.file, f.sha256, min(s.first_position)::bigint AS first, json_agg(json_build_array(s.stream_type, s.stream_id)) AS streams
       FROM ${t.table('archive_segments')} s JOIN ${t.table('archive_files')} f ON f.name = s.file
      WHERE s.last_position > $1 AND ($2::bigint IS NULL OR s.first_position <= $2::bigint) ${partition}
      GROUP BY s.file, f.sha256 ORDER BY 3`,
    params,
  );
  return rows.map((r) => ({ ...r, first: Number(r.first) }));
}

/** True when versions up to `maxVersion` of the stream include archived ones. */
export async function streamInFiles(
  db: SqlExecutor,
  t: StoreTables,
  streamType: string,
  streamId: string,
  maxVersion: number,
): Promise<boolean> {
  const { rows } = await db.query<{ hit: boolean }>(
    `SELECT EXISTS (SELECT 1 FROM ${t.table('archive_segments')} WHERE stream_type = $1 AND stream_id = $2 AND from_version <= $3) AS hit`,
    [streamType, streamId, maxVersion],
  );
  return rows[0]?.hit === true;
}
