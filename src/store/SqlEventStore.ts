/**
 * The EventStore over any SqlClient: the same SQL runs on PostgreSQL and on PGlite, so both
 * backends behave alike (and pass one contract suite). Appends go through group commit.
 */
import type {
  AppendHook,
  AppendRequest,
  AppendResult,
  EventStore,
  QueryResult,
  ReadAllOptions,
  ReadStreamOptions,
  SqlExecutor,
  StoreTables,
} from './EventStore.js';
import { GroupCommit, type Pending } from './GroupCommit.js';
import { isConnectionError, type SqlClient } from './SqlClient.js';
import { appendBatch } from './sql/appendBatch.js';
import { loadCheckpoint, saveCheckpoint } from './sql/checkpoints.js';
import { headPosition } from './sql/headPosition.js';
import { acquireLease, releaseLease } from './sql/leases.js';
import { loadSnapshot } from './sql/loadSnapshot.js';
import { lookupIdempotency } from './sql/lookupIdempotency.js';
import { readAll } from './sql/readAll.js';
import { readStream } from './sql/readStream.js';
import { streamVersion } from './sql/streamVersion.js';
import { storeCall, toStoreError } from './storeErrors.js';

/** Tuning of the append path. */
export interface SqlEventStoreOptions {
  /** Most appends written in one transaction. */
  maxBatch?: number;
  /**
   * Batches in flight at once. More than one may reorder appends submitted back to back
   * (a later batch can win the append lock), so the default is 1: submission order is kept.
   */
  maxConcurrentBatches?: number;
  /** Told the size of every batch transaction that committed (metrics, tests). */
  onBatch?: (size: number) => void;
}

/** An event store on a SqlClient whose schema is already migrated. */
export class SqlEventStore implements EventStore {
  readonly kind: 'postgresql' | 'embedded';
  private readonly hooks: AppendHook[] = [];
  private readonly commits: GroupCommit;
  private closed = false;

  constructor(
    private readonly client: SqlClient,
    readonly tables: StoreTables,
    private readonly options: SqlEventStoreOptions = {},
  ) {
    this.kind = client.kind;
    this.commits = new GroupCommit((batch) => this.writeBatch(batch), options.maxBatch ?? 256, options.maxConcurrentBatches ?? 1);
  }

  append(request: AppendRequest): Promise<AppendResult> {
    if (this.closed) return Promise.reject(toStoreError(new Error('Client was closed')));
    if (request.events.length === 0) return Promise.resolve({ events: [] });
    return this.commits.submit(request);
  }

  /**
   * Writes one batch. If the batch transaction fails as a whole (an inline projection threw,
   * data the database cannot store), nothing of it was written: each request is then retried
   * alone, so only the one at fault fails. If the database is unreachable or the commit was
   * not confirmed, every request fails: none may be acknowledged without a confirmed commit.
   */
  private async writeBatch(batch: readonly Pending[]): Promise<void> {
    try {
      const outcomes = await this.client.transaction((tx) => appendBatch(tx, this.tables, batch.map((p) => p.request), this.hooks));
      this.options.onBatch?.(batch.length);
      outcomes.forEach((outcome, i) => ('error' in outcome ? batch[i]!.reject(outcome.error) : batch[i]!.resolve(outcome.result)));
    } catch (err) {
      if (batch.length === 1 || isConnectionError(err)) {
        const error = toStoreError(err);
        for (const p of batch) p.reject(error);
        return;
      }
      for (const p of batch) await this.writeBatch([p]);
    }
  }

  readStream(streamType: string, streamId: string, options?: ReadStreamOptions) {
    return storeCall(() => readStream(this.client, this.tables, streamType, streamId, options));
  }

  streamVersion(streamType: string, streamId: string) {
    return storeCall(() => streamVersion(this.client, this.tables, streamType, streamId));
  }

  readAll(options: ReadAllOptions) {
    return storeCall(() => readAll(this.client, this.tables, options));
  }

  headPosition() {
    return storeCall(() => headPosition(this.client, this.tables));
  }

  loadSnapshot(streamType: string, streamId: string, configHash: string, maxVersion?: number) {
    return storeCall(() => loadSnapshot(this.client, this.tables, streamType, streamId, configHash, maxVersion));
  }

  lookupIdempotency(key: string) {
    return storeCall(() => lookupIdempotency(this.client, this.tables, key));
  }

  query<R = Record<string, unknown>>(sql: string, params: readonly unknown[] = [], options: { readOnly?: boolean; timeoutMs?: number } = {}): Promise<QueryResult<R>> {
    if (options.readOnly !== true) return storeCall(() => this.client.query<R>(sql, params));
    return storeCall(() =>
      this.client.transaction(async (tx) => {
        await tx.query('SET TRANSACTION READ ONLY');
        await tx.query(`SELECT set_config('statement_timeout', $1, true)`, [String(options.timeoutMs ?? 5000)]);
        return tx.query<R>(sql, params);
      }),
    );
  }

  transaction<T>(fn: (tx: SqlExecutor) => Promise<T>): Promise<T> {
    return storeCall(() => this.client.transaction(fn));
  }

  addAppendHook(hook: AppendHook): () => void {
    this.hooks.push(hook);
    return () => {
      const i = this.hooks.indexOf(hook);
      if (i >= 0) this.hooks.splice(i, 1);
    };
  }

  loadCheckpoint(name: string, executor?: SqlExecutor) {
    return storeCall(() => loadCheckpoint(executor ?? this.client, this.tables, name));
  }

  saveCheckpoint(name: string, position: number, executor?: SqlExecutor) {
    return storeCall(() => saveCheckpoint(executor ?? this.client, this.tables, name, position));
  }

  acquireLease(name: string, owner: string, ttlMs: number) {
    return storeCall(() => acquireLease(this.client, this.tables, name, owner, ttlMs));
  }

  releaseLease(name: string, owner: string) {
    return storeCall(() => releaseLease(this.client, this.tables, name, owner));
  }

  async health(): Promise<void> {
    await storeCall(() => this.client.query('SELECT 1'));
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.commits.drained();
    await this.client.close();
  }
}
