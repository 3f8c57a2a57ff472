/**
 * How a claimed `unique` value is keyed in the uniques table (store migration 5): by the
 * sha256 of its UTF-8 text, since a btree key cannot hold a long value. Lookups match the
 * digest (the index) and the value itself, so a claim stays exact.
 */

import { hash } from 'node:crypto';
import type { StoreTables } from '../EventStore.js';
import { sqlState } from '../SqlClient.js';

/** The SQL digest of the text expression `value`. */
export const UNIQUE_DIGEST = (value: string): string => `sha256(convert_to(${value}, 'UTF8'))`;

/**
 * UNIQUE_DIGEST of `value` computed here, as base64 (the SQL reads it with SENT_DIGEST): the
 * batch statement's claims carry it, since PostgreSQL's sha256() costs ~2.5 µs of the backend's
 * CPU per value inside the append lock and Node's one-shot hash ~0.3 µs (issue 21). Both hash
 * the value's UTF-8 bytes.
 */
export const uniqueDigest = (value: string): string => hash('sha256', value, 'base64');

/** The digest a statement was sent (uniqueDigest), from the text expression `digest`. */
export const SENT_DIGEST = (digest: string): string => `decode(${digest}, 'base64')`;

/**
 * `column` of the row of `uniques` holding value `v` of field `f` of stream type `t` (SQL
 * expressions), or NULL: a correlated scalar subquery, one primary-key lookup per value.
 * Never a join or EXISTS over the batch's values: PostgreSQL estimates a JSON or unnest
 * source at 100 rows and hashes them against a sequential scan of the whole table until it
 * holds tens of thousands of values, a cost that grew with every user (issue 21; a scalar
 * subquery is not flattened into a join). `owner`: match only the stream holding it.
 */
export function uniqueLookup(
  uniques: string,
  column: string,
  t: string,
  f: string,
  v: string,
  owner?: string,
  digest = UNIQUE_DIGEST(v),
): string {
  const held = owner === undefined ? '' : ` AND u.stream_id = ${owner}`;
  return `(SELECT u.${column} FROM ${uniques} u WHERE u.stream_type = ${t} AND u.field = ${f} AND u.digest = ${digest} AND u.value = ${v}${held} LIMIT 1)`;
}

/**
 * Deletes the rows `uniqueLookup` finds for each row of `source` (a FROM clause naming t, f, v
 * and, with `owner`, the holder): by their ctid, a TID scan, for the reason given there.
 */
export function deleteUniques(uniques: string, source: string, t: string, f: string, v: string, owner?: string, filter = ''): string {
  return `DELETE FROM ${uniques} WHERE ctid = ANY (ARRAY(SELECT ${uniqueLookup(uniques, 'ctid', t, f, v, owner)} FROM ${source}))${filter}`;
}

/**
 * True when `err` is the uniques table refusing a claimed value that another stream holds
 * (its primary key: a unique violation): the one-statement batch leaves that check to it, so
 * such a batch wrote nothing and is decided again request by request, its remembered stream
 * versions still true.
 */
export function isUniqueRefusal(err: unknown, t: StoreTables): boolean {
  return sqlState(err) === '23505' && (err as { table?: unknown }).table === `${t.prefix}uniques`;
}
