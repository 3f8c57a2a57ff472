/**
 * PostgreSQL through a `pg` pool. int8 and numeric come back as numbers (positions stay far
 * below 2^53), statements the store repeats are prepared once per connection by name.
 */
import pg from 'pg';
import type { QueryResult, SqlExecutor } from './EventStore.js';
import { quoteIdent } from './quoteIdent.js';
import { CommitOutcomeUnknownError, isConnectionError, toQueryResult, type SqlClient, type TransactionOptions } from './SqlClient.js';

const INT8 = 20;

/** How to reach the server. */
export interface PgClientOptions {
  connectionString?: string;
  host?: string;
  port?: number;
  database?: string;
  user?: string;
  password?: string;
  poolSize: number;
  /** Give up on a new connection after this long (a down database answers 503, not a hang). */
  connectTimeoutMs?: number;
}

const types = {
  getTypeParser(oid: number, format?: 'text' | 'binary'): (value: string) => unknown {
    if (oid === INT8) return (value: string) => Number(value);
    return pg.types.getTypeParser(oid, format) as (value: string) => unknown;
  },
};

/** Names prepared statements by their text, so each is parsed once per connection. */
const statementNames = new Map<string, string>();
/**
 * A server keeps every named statement of a connection until it closes, so only the first
 * MAX_PREPARED distinct texts get names: the store's and features' fixed statements come
 * first; SQL shaped by requests (query filters) past the bound runs unnamed instead of growing
 * every connection's memory without limit.
 */
export const MAX_PREPARED = 1000;
function prepared(sql: string, params: readonly unknown[] | undefined): pg.QueryConfig {
  let name = statementNames.get(sql);
  if (name === undefined && statementNames.size < MAX_PREPARED) statementNames.set(sql, (name = `tusk_${statementNames.size}`));
  return name === undefined
    ? { text: sql, values: params as unknown[] | undefined }
    : { name, text: sql, values: params as unknown[] | undefined };
}

/** How many distinct statement texts have a prepared-statement name (for tests). */
export function preparedStatementCount(): number {
  return statementNames.size;
}

/** The connection settings of `options` (for the pool and the listening connection). */
function connectionConfig(options: PgClientOptions): pg.ClientConfig {
  return {
    ...(options.connectionString !== undefined ? { connectionString: options.connectionString } : {}),
    ...(options.host !== undefined ? { host: options.host } : {}),
    ...(options.port !== undefined ? { port: options.port } : {}),
    ...(options.database !== undefined ? { database: options.database } : {}),
    ...(options.user !== undefined ? { user: options.user } : {}),
    ...(options.password !== undefined ? { password: options.password } : {}),
    connectionTimeoutMillis: options.connectTimeoutMs ?? 5000,
  };
}

/** Keeps one connection LISTENing on `channel` (see SqlClient.listen). */
function listen(options: PgClientOptions, channel: string, onNotify: (payload: string) => void): () => Promise<void> {
  let stopped = false;
  let client: pg.Client | undefined;
  let retryTimer: NodeJS.Timeout | undefined;
  const connect = async (attempt: number): Promise<void> => {
    if (stopped) return;
    const c = new pg.Client(connectionConfig(options));
    client = c;
    const retry = () => {
      c.removeAllListeners();
      c.on('error', () => undefined);
      void c.end().catch(() => undefined);
      if (stopped || client !== c) return;
      client = undefined;
      retryTimer = setTimeout(() => void connect(attempt + 1), Math.min(5_000, 100 * 2 ** Math.min(attempt, 6)));
      retryTimer.unref();
    };
    c.on('error', retry);
    c.on('end', retry);
    c.on('notification', (n) => onNotify(n.payload ?? ''));
    try {
      await c.connect();
      // The channel is a name the store derived from its tables (hex digits), never user input.
      await c.query(`LISTEN ${quoteIdent(channel)}`);
      if (attempt > 0) onNotify('');
    } catch {
      retry();
    }
  };
  void connect(0);
  return async () => {
    stopped = true;
    clearTimeout(retryTimer);
    const c = client;
    client = undefined;
    c?.removeAllListeners();
    c?.on('error', () => undefined);
    await c?.end().catch(() => undefined);
  };
}

/**
 * Checks a client out of `pool` with `onError` already listening. The pool stops listening
 * for a client as it hands it out, and a new connection is handed out from inside the socket
 * read that brought its ReadyForQuery: a FATAL that came in the same read (a failover's dying
 * server) was emitted before an awaiting caller could listen, and ended the process.
 */
function checkOut(pool: pg.Pool, onError: (err: unknown) => void): Promise<pg.PoolClient> {
  return new Promise((resolve, reject) => {
    pool.connect((err, client) => {
      if (err instanceof Error || client === undefined) return reject(err ?? new Error('the pool gave no client'));
      client.on('error', onError);
      resolve(client);
    });
  });
}

/** Opens a pool (connections are made lazily). */
export function createPgClient(options: PgClientOptions): SqlClient {
  const pool = new pg.Pool({ ...connectionConfig(options), max: options.poolSize, types });
  // An idle client whose server went away emits 'error'; unhandled, that would kill the process.
  pool.on('error', () => undefined);

  const run = async <R>(executor: pg.Pool | pg.PoolClient, sql: string, params?: readonly unknown[]): Promise<QueryResult<R>> =>
    toQueryResult((await executor.query(prepared(sql, params))) as unknown as { rows: R[]; rowCount: number | null });

  return {
    kind: 'postgresql',
    listen: (channel, onNotify) => listen(options, channel, onNotify),
    query: (sql, params) => run(pool, sql, params),
    async queryArrays<R extends unknown[]>(sql: string, params?: readonly unknown[]): Promise<R[]> {
      return (await pool.query<R>({ ...prepared(sql, params), rowMode: 'array' })).rows;
    },
    async transaction<T>(fn: (tx: SqlExecutor) => Promise<T>, options: TransactionOptions = {}): Promise<T> {
      let broken: unknown;
      // A checked-out client whose connection dies (the server terminated it, crashed) emits
      // 'error'; unheard, that would end the process. The running query fails with it anyway.
      const onError = (err: unknown) => (broken ??= err);
      const client = await checkOut(pool, onError);
      try {
        // The simple-query protocol runs both statements, each with its own snapshot.
        await client.query(options.prelude === undefined ? 'BEGIN' : `BEGIN; ${options.prelude}`);
        let result: T;
        try {
          const tx: SqlExecutor & Pick<SqlClient, 'queryArrays'> = {
            query: (sql, params) => run(client, sql, params),
            queryArrays: async <R extends unknown[]>(sql: string, params?: readonly unknown[]) =>
              (await client.query<R>({ ...prepared(sql, params), rowMode: 'array' })).rows,
          };
          result = await fn(tx);
        } catch (err) {
          if (isConnectionError(err)) broken = err;
          else await client.query('ROLLBACK').catch((e: unknown) => (broken = e));
          throw err;
        }
        try {
          await client.query('COMMIT');
        } catch (err) {
          broken = err;
          throw new CommitOutcomeUnknownError(err);
        }
        return result;
      } finally {
        client.off('error', onError);
        // A client whose connection failed must not go back to the pool.
        client.release(broken === undefined ? undefined : (broken as Error));
      }
    },
    poolStats: () => ({ max: options.poolSize, total: pool.totalCount, idle: pool.idleCount, waiting: pool.waitingCount }),
    close: () => pool.end(),
  };
}
