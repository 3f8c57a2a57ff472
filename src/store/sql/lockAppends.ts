/**
 * The store-wide append lock: a transaction-scoped advisory lock, held from before the first
 * read of an append batch until its commit (why: see appendBatch). Its key is the database's
 * hash of the store's name, computed once, so that it can be sent with BEGIN in one message
 * (SqlClient TransactionOptions.prelude) and stays the key every tusk-es version used.
 */
import type { SqlExecutor, StoreTables } from '../EventStore.js';

/** The advisory lock key of a store (one per schema and prefix). */
export function appendLockKey(t: StoreTables): string {
  return `tusk-es/append/${t.events}`;
}

/** The number the append lock of `t` is taken with (the database's hash of appendLockKey). */
export async function appendLockNumber(db: SqlExecutor, t: StoreTables): Promise<string> {
  const { rows } = await db.query<{ key: string }>('SELECT hashtextextended($1, 0)::text AS key', [appendLockKey(t)]);
  const key = rows[0]?.key ?? '';
  // A number the database computed, checked to be one before it becomes part of a statement.
  if (!/^-?\d{1,20}$/.test(key)) throw new Error(`unexpected advisory lock key '${key}'`);
  return key;
}

/** The statement that waits for the append lock with `key` (released when its transaction ends). */
export function lockAppendsStatement(key: string): string {
  if (!/^-?\d{1,20}$/.test(key)) throw new Error(`unexpected advisory lock key '${key}'`);
  return `SELECT pg_advisory_xact_lock(${key})`;
}

/** Waits for the append lock of `t` inside `tx` (released when `tx` ends). */
export async function lockAppends(tx: SqlExecutor, t: StoreTables): Promise<void> {
  await tx.query('SELECT pg_advisory_xact_lock(hashtextextended($1, 0))', [appendLockKey(t)]);
}
