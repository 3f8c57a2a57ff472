/**
 * The one seam between the store and a database driver: statements with bound values,
 * transactions, and errors classified so the store can tell "the database is gone" (503)
 * from "this statement was rejected" (a conflict, a bug).
 */
import type { PoolStats, QueryResult, SqlExecutor } from './EventStore.js';

/** A connection pool (pg) or the embedded database (PGlite). */
export interface SqlClient extends SqlExecutor {
  readonly kind: 'postgresql' | 'embedded';
  /** Like query, with each row as an array of its columns (cheaper to decode: hot reads). */
  queryArrays<R extends unknown[]>(sql: string, params?: readonly unknown[]): Promise<R[]>;
  /**
   * Runs `fn` in a transaction. A failure before COMMIT rolls back and rethrows; a failure of
   * the COMMIT itself throws CommitOutcomeUnknownError, because the commit may have happened.
   */
  transaction<T>(fn: (tx: SqlExecutor) => Promise<T>, options?: TransactionOptions): Promise<T>;
  /**
   * PostgreSQL only: LISTENs on `channel` over a connection of its own, kept open (reconnected
   * after a failure, when `onNotify` is also called once: a notification may have been missed);
   * resolves to the function that stops listening.
   */
  listen?(channel: string, onNotify: (payload: string) => void): () => Promise<void>;
  close(): Promise<void>;
  /** The pool's use, when there is a pool. */
  poolStats?(): PoolStats;
}

/** How to open a transaction. */
export interface TransactionOptions {
  /**
   * A statement without parameters to run first, sent with BEGIN in one message (one round
   * trip less). It must be built from trusted parts only, never from a request or config.
   */
  prelude?: string;
}

/** The COMMIT did not answer: the transaction may or may not have committed. */
export class CommitOutcomeUnknownError extends Error {
  constructor(cause: unknown) {
    super(`the database did not confirm the commit: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
    this.name = 'CommitOutcomeUnknownError';
  }
}

/** The SQLSTATE of a driver error, if it has one. */
export function sqlState(err: unknown): string | undefined {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code) ? code : undefined;
}

const CONNECTION_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'ENOTFOUND',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EAI_AGAIN',
]);

/** True when `err` means the database cannot be reached (rather than a rejected statement). */
export function isConnectionError(err: unknown): boolean {
  if (err instanceof CommitOutcomeUnknownError) return true;
  const e = err as { code?: unknown; message?: unknown } | null;
  const code = typeof e?.code === 'string' ? e.code : '';
  if (CONNECTION_CODES.has(code)) return true;
  // 08: connection exception; 57P01-57P03: admin/crash shutdown, cannot connect now; 53300: too many connections
  if (/^(08|57P0[1-3]|53300)/.test(code)) return true;
  const message = typeof e?.message === 'string' ? e.message : '';
  return /Connection terminated|connection timeout|Client has encountered a connection error|timeout exceeded when trying to connect|Client was closed|Cannot use a pool after calling end/i.test(
    message,
  );
}

/** Adapts a driver result (pg: rowCount; PGlite: affectedRows) to QueryResult. */
export function toQueryResult<R>(result: { rows: R[]; rowCount?: number | null; affectedRows?: number }): QueryResult<R> {
  return { rows: result.rows, rowCount: result.rowCount ?? result.affectedRows ?? result.rows.length };
}
