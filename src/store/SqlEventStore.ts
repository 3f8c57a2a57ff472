/**
 * The EventStore over any SqlClient: the same SQL runs on PostgreSQL and on PGlite, so both
 * backends behave alike (and pass one contract suite). Appends go through group commit.
 */
import type {
  AppendHook,
  ArchiveRule,
  AppendRequest,
  AppendResult,
  EventStore,
  FoldEvent,
  QueryResult,
  ReadAllOptions,
  ReadStreamOptions,
  Removal,
  RemovalKind,
  RemoveRequest,
  TenantPurge,
  RetentionLimits,
  SqlExecutor,
  StoreTables,
  StoredEvent,
} from './EventStore.js';
import { AppendSignal } from './AppendSignal.js';
import type { VersionIndexScope } from './layout/EventsLayout.js';
import { GroupCommit, type Pending } from './GroupCommit.js';
import { isConnectionError, type SqlClient } from './SqlClient.js';
import { appendAtOnce, appendBatch, foldsOf, NOT_FOLDED, type AppendOutcome } from './sql/appendBatch.js';
import { isUniqueRefusal } from './sql/uniqueSql.js';
import { archivableStreams, archiveStreams, countArchivable, readsArchive } from './sql/archive.js';
import { loadCheckpoint, saveCheckpoint } from './sql/checkpoints.js';
import { bumpLogEpoch, logEpochSequence } from './sql/logEpoch.js';
import type { EpochCheck } from './sql/writeAccepted.js';
import { headPosition } from './sql/headPosition.js';
import { appendLockNumber, lockAppends, lockAppendsStatement } from './sql/lockAppends.js';
import { acquireLease, holdsLease, releaseLease } from './sql/leases.js';
import { loadSnapshot } from './sql/loadSnapshot.js';
import { lookupIdempotency } from './sql/lookupIdempotency.js';
import { readAll } from './sql/readAll.js';
import { ownedBy } from './eventRow.js';
import { lockedHead, readLocked } from './sql/readLocked.js';
import { readStream, readStreamData } from './sql/readStream.js';
import { purgeTenantRows } from './sql/purgeTenantRows.js';
import { removeEvents } from './sql/removeEvents.js';
import { retentionCandidates } from './sql/retentionCandidates.js';
import { claimRemoval, failRemoval, findRemoval, listRemovals, recordRemoval, removalMark, requestRemoval } from './sql/removals.js';
import { streamVersion } from './sql/streamVersion.js';
import { storeCall, toStoreError } from './storeErrors.js';
import { StreamVersions } from './StreamVersions.js';
import { TuskError } from '../errors.js';
import { currentTenant, inTenant, runAsSystem, runAsTenant } from '../tenancy/tenantScope.js';

/**
 * Resolves after the event loop's current I/O callbacks (setImmediate). PGlite runs in this
 * process and never waits on I/O: a batch taken at once commits before the loop reads the
 * next HTTP request, so every batch held one command however many clients waited (issue 21:
 * 16 clients, batches of 1). Taking it one turn later gathers what this turn's requests append.
 */
const nextTurn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/**
 * Runs `fn` as the tenant of `batch` (one tenant per batch, see GroupCommit): the writer may
 * have been started by another tenant's request, whose scope it must not write under.
 */
function asTenantOf<T>(batch: readonly Pending[], fn: () => Promise<T>): Promise<T> {
  const tenant = batch[0]?.tenant;
  return tenant === undefined ? fn() : runAsTenant(tenant, fn);
}

/** Tuning of the append path. */
export interface SqlEventStoreOptions {
  /** Most appends written in one transaction. */
  maxBatch?: number;
  /**
   * Batches in flight at once (default 1). Batches queue on the append lock anyway, and a batch
   * is mostly one statement: a second one in flight only splits the next batch in two
   * (bench: 1 gives the most appends/s at 1, 8 and 64 streams and over HTTP).
   */
  maxConcurrentBatches?: number;
  /** Told the size of every batch transaction that committed (metrics, tests). */
  onBatch?: (size: number) => void;
  /**
   * Where the events' (stream, version) index refuses a stale write (versionIndexScope; default
   * `table`). By time (`partition`) every optimistic append checks its streams' versions in SQL.
   */
  versionIndex?: VersionIndexScope;
  /**
   * A conjoined store (issue 20): the client scopes every statement to the current tenant
   * (tenantScopedClient), appends need a tenant, and a batch holds one tenant's appends.
   */
  conjoined?: boolean;
  /**
   * The tenant this store belongs to (tenancy modes "schema" and "database": a tenant runtime's
   * own store): events read from its log carry it (eventRow.ownedBy), as a conjoined store's do.
   */
  tenant?: string;
}

/** An event store on a SqlClient whose schema is already migrated. */
export class SqlEventStore implements EventStore {
  readonly kind: 'postgresql' | 'embedded';
  readonly conjoined: boolean;
  private readonly hooks: AppendHook[] = [];
  private readonly batchListeners = new Set<(size: number) => void>();
  private readonly commits: GroupCommit;
  /** The versions of streams this store appended to recently (see StreamVersions). */
  private readonly versions = new StreamVersions();
  /**
   * PostgreSQL: the log epoch `versions` were learnt under (logEpoch.ts), '' before the first
   * one-statement batch read it. Whenever it changes, `versions` are forgotten. While none is
   * remembered every stream is checked in SQL, so a batch writes whatever the epoch.
   */
  private epoch = '';
  /** PostgreSQL only: the number of the append lock (see lockAppends). */
  private lockKey: Promise<string> | undefined;
  private closed = false;
  /** Tells other processes' consumers about this store's commits (PostgreSQL NOTIFY). */
  private readonly signal: AppendSignal;

  constructor(
    private readonly client: SqlClient,
    readonly tables: StoreTables,
    private readonly options: SqlEventStoreOptions = {},
  ) {
    this.kind = client.kind;
    this.conjoined = options.conjoined === true;
    this.signal = new AppendSignal(client, tables);
    this.commits = new GroupCommit((take) => this.writeBatch(take), options.maxBatch ?? 256, options.maxConcurrentBatches ?? 1);
  }

  append(request: AppendRequest): Promise<AppendResult> {
    if (this.closed) {
      const closed = toStoreError(new Error('Client was closed')) as Error;
      return Promise.reject(closed);
    }
    if (request.events.length === 0) return Promise.resolve({ events: [] });
    if (this.options.conjoined !== true) return this.commits.submit(request);
    if (!inTenant()) return Promise.reject(new TuskError('TENANT_REQUIRED', 'an append to a multi-tenant store needs a tenant'));
    return this.commits.submit(request, currentTenant());
  }

  /**
   * Writes one batch. A common batch (appendAtOnce) is ONE statement outside a transaction,
   * which takes the append lock itself: one round trip and one commit; the append hooks'
   * writes join it when each hook can fold them (AppendFold: an inline projection's inserts,
   * its checkpoint). Any other batch, or one whose statement found a stream changed, goes
   * through a transaction.
   */
  private async writeBatch(take: () => readonly Pending[]): Promise<void> {
    // The embedded store with hooks waits for its batch inside a transaction (writeInTransaction
    // says why) and folds them there: one statement between BEGIN and COMMIT.
    const folds = this.kind === 'embedded' && this.hooks.length > 0 ? undefined : foldsOf(this.hooks);
    if (folds === undefined) return this.writeInTransaction(take);
    if (this.kind === 'embedded') await nextTurn();
    const batch = take();
    if (batch.length === 0) return;
    let outcomes: AppendOutcome[] | undefined | typeof NOT_FOLDED;
    let generation = this.versions.generation;
    // The notification for other processes' consumers goes with the statement (when it writes).
    const notify = this.signal.folded();
    try {
      const lockKey = this.kind === 'postgresql' ? await this.lockNumber() : undefined;
      const scope = this.options.versionIndex ?? 'table';
      // A conjoined store's versions would be one per stream id across tenants: not kept.
      // PGlite's are the current ones (one process); on PostgreSQL the version index refuses a
      // write behind another process's, unless events moved since (the epoch check) or the
      // index is per time partition (then every stream is checked in SQL).
      const keep = this.options.conjoined !== true && (this.kind === 'embedded' || scope !== 'partition');
      // Decided once, here: a batch that trusts no remembered version needs no epoch guard.
      const known = keep && this.versions.size > 0 ? this.versions : undefined;
      const epoch: EpochCheck | undefined =
        keep && lockKey !== undefined
          ? { sequence: logEpochSequence(this.tables), expected: known === undefined ? null : this.epoch }
          : undefined;
      outcomes = await asTenantOf(batch, () =>
        appendAtOnce(
          this.client,
          this.tables,
          batch.map((p) => p.request),
          lockKey,
          known,
          scope === 'table',
          folds,
          epoch,
          notify,
        ),
      );
      if (epoch?.seen !== undefined && epoch.seen !== this.epoch) {
        // Events moved or were removed since these versions were learnt: forget them. The
        // batch's own outcome (written under the new epoch, or to be decided below) stands.
        this.versions.clear();
        this.epoch = epoch.seen;
        generation = this.versions.generation;
      }
    } catch (err) {
      // A claimed value that is held refused the statement: no stream moved.
      if (!isUniqueRefusal(err, this.tables)) this.versions.clear();
      // The statement's commit may or may not have happened: acknowledge nothing.
      if (isConnectionError(err)) return this.rejectAll(batch, err);
      // Otherwise nothing was written (a stream changed between its snapshot and the lock, or
      // data that cannot be stored): the transaction below decides request by request.
    }
    // A hook could not fold this batch: it is still a common one, written in a transaction.
    if (outcomes === NOT_FOLDED) return this.writeInTransaction(() => batch, { gather: false, fold: false });
    if (outcomes !== undefined) return this.settle(batch, outcomes, generation, notify !== undefined);
    return this.writeInTransaction(() => batch, { optimistic: false });
  }

  /**
   * Writes one batch in a transaction. The batch is taken from the queue only once the
   * transaction holds the append lock, so it holds every append that queued while the
   * previous batch committed. If the transaction fails as a whole (an inline projection threw,
   * data the database cannot store), nothing of it was written: each request is then retried
   * alone, so only the one at fault fails. If the database is unreachable or the commit was not
   * confirmed, every request fails: none may be acknowledged without a confirmed commit.
   * `optimistic`: try the one-statement write first (appendBatch); `gather`: on PGlite, wait a
   * turn of the event loop for more appends; `fold`: let the hooks fold into that statement.
   */
  private async writeInTransaction(
    take: () => readonly Pending[],
    { optimistic = true, gather = optimistic, fold = true }: { optimistic?: boolean; gather?: boolean; fold?: boolean } = {},
  ): Promise<void> {
    let batch: readonly Pending[] = [];
    const generation = this.versions.generation;
    try {
      // PGlite runs one transaction at a time and its data dir belongs to one process, so
      // nothing can interleave there: only a shared PostgreSQL needs the lock.
      const prelude = this.kind === 'postgresql' ? lockAppendsStatement(await this.lockNumber()) : undefined;
      const outcomes = await this.client.transaction(
        async (tx) => {
          // Holding PGlite's transaction, so a chain of other transactions cannot starve it.
          if (this.kind === 'embedded' && gather) await nextTurn();
          batch = take();
          // In a transaction a refused write would abort the batch: only the embedded store's
          // versions (which no other process can change) may stand in for the SQL check there.
          const known = this.kind === 'embedded' ? this.versions : undefined;
          return batch.length === 0
            ? []
            : asTenantOf(batch, () =>
                appendBatch(
                  tx,
                  this.tables,
                  batch.map((p) => p.request),
                  this.hooks,
                  { known, optimistic, fold },
                ),
              );
        },
        prelude === undefined ? {} : { prelude },
      );
      if (batch.length > 0) this.settle(batch, outcomes, generation);
    } catch (err) {
      this.versions.clear();
      // Failed before taking (no connection, no lock): what is queued now fails with it, so
      // appends never wait on a database that is gone.
      if (batch.length === 0) batch = take();
      // A folded statement's error names no projection: one request alone runs its hooks itself.
      if (isConnectionError(err) || (batch.length <= 1 && !fold)) return this.rejectAll(batch, err);
      for (const p of batch) await this.writeInTransaction(() => [p], { gather: false, fold: false });
    }
  }

  /**
   * Settles a committed batch's requests, and remembers their streams' new versions unless
   * `versions` were forgotten since the batch began (`generation`): then they may predate a
   * move of events that the forgetting was for. `notified`: its statement sent the NOTIFY.
   */
  private settle(batch: readonly Pending[], outcomes: readonly AppendOutcome[], generation: number, notified = false): void {
    const remember = generation === this.versions.generation && this.options.conjoined !== true;
    this.options.onBatch?.(batch.length);
    for (const listener of this.batchListeners) listener(batch.length);
    if (!notified) this.signal.committed();
    outcomes.forEach((outcome, i) => {
      if ('error' in outcome) return batch[i]!.reject(outcome.error);
      const events = outcome.result.events;
      const last = events[events.length - 1];
      // Versions 1..n: this commit created the stream.
      if (last !== undefined && remember) this.versions.set(last.streamType, last.streamId, last.version, last.version === events.length);
      outcome.result.batchSize = batch.length;
      batch[i]!.resolve(outcome.result);
    });
  }

  private rejectAll(batch: readonly Pending[], err: unknown): void {
    const error = toStoreError(err);
    for (const p of batch) p.reject(error);
  }

  /** The append lock's number, computed once (again after a failure: the database may be back). */
  private lockNumber(): Promise<string> {
    this.lockKey ??= appendLockNumber(this.client, this.tables).catch((err: unknown) => {
      this.lockKey = undefined;
      throw err;
    });
    return this.lockKey;
  }

  readStream(streamType: string, streamId: string, options: ReadStreamOptions & { dataOnly: true }): Promise<FoldEvent[]>;
  readStream(streamType: string, streamId: string, options?: ReadStreamOptions): Promise<StoredEvent[]>;
  readStream(
    streamType: string,
    streamId: string,
    options?: ReadStreamOptions & { dataOnly?: boolean },
  ): Promise<FoldEvent[] | StoredEvent[]> {
    if (options?.dataOnly === true) return storeCall(() => readStreamData(this.client, this.tables, streamType, streamId, options));
    return storeCall(() => readStream(this.client, this.tables, streamType, streamId, options));
  }

  streamVersion(streamType: string, streamId: string) {
    return storeCall(() => streamVersion(this.client, this.tables, streamType, streamId));
  }

  readAll(options: ReadAllOptions) {
    const { tenant } = this.options;
    if (tenant === undefined) return storeCall(() => readAll(this.client, this.tables, options));
    return storeCall(async () => ownedBy(await readAll(this.client, this.tables, options), tenant));
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

  async purgeTenant(tenant: string, work?: (tx: SqlExecutor, rows: Record<string, number>) => Promise<void>): Promise<TenantPurge> {
    try {
      return await runAsSystem(() =>
        storeCall(() =>
          this.client.transaction(async (tx) => {
            await this.lockAppends(tx);
            const rows = await purgeTenantRows(tx, this.tables, tenant);
            this.versions.clear();
            await work?.(tx, rows);
            const removal = await recordRemoval(
              tx,
              this.tables,
              { kind: 'purge', streamType: '$tenant', streamId: tenant },
              rows.events ?? 0,
              null,
            );
            return { removal, rows };
          }),
        ),
      );
    } finally {
      this.versions.clear();
    }
  }

  async removeEvents(request: RemoveRequest, work?: (tx: SqlExecutor) => Promise<void>): Promise<Removal> {
    // As the system, row-level security would let it remove one stream id of every tenant.
    if (this.options.conjoined === true && !inTenant())
      throw new TuskError('TENANT_REQUIRED', 'a removal of events in a multi-tenant store needs a tenant');
    try {
      return await storeCall(() =>
        this.client.transaction(async (tx) => {
          await this.lockAppends(tx);
          const removed = await removeEvents(tx, this.tables, request);
          // Another process's remembered versions may name removed events (logEpoch.ts).
          await bumpLogEpoch(tx, this.tables);
          // Before the commit: an embedded batch after it must not trust a removed version.
          this.versions.clear();
          await work?.(tx);
          return recordRemoval(tx, this.tables, request, removed, this.tenantOfWork() ?? null);
        }),
      );
    } finally {
      // The versions this store remembers may name removed events: forget them all.
      this.versions.clear();
    }
  }

  removalMark(executor?: SqlExecutor) {
    return storeCall(() => removalMark(executor ?? this.client, this.tables));
  }

  requestRemoval(request: { kind: RemovalKind; streamType: string; streamId: string; beforeVersion?: number }) {
    return storeCall(() => requestRemoval(this.client, this.tables, request, this.tenantOfWork() ?? null));
  }

  claimRemoval() {
    return storeCall(() => claimRemoval(this.client, this.tables));
  }

  removal(id: number) {
    return storeCall(() => findRemoval(this.client, this.tables, id, this.tenantOfWork()));
  }

  listRemovals(limit: number) {
    return storeCall(() => listRemovals(this.client, this.tables, limit, this.tenantOfWork()));
  }

  retentionCandidates(streamType: string, limits: RetentionLimits, limit: number) {
    return storeCall(() => retentionCandidates(this.client, this.tables, streamType, limits, limit));
  }

  async failRemoval(id: number, error: string): Promise<void> {
    await storeCall(() => failRemoval(this.client, this.tables, id, error));
  }

  query<R = Record<string, unknown>>(
    sql: string,
    params: readonly unknown[] = [],
    options: { readOnly?: boolean; timeoutMs?: number } = {},
  ): Promise<QueryResult<R>> {
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
    return this.asSystem(() => storeCall(() => loadCheckpoint(executor ?? this.client, this.tables, name)));
  }

  saveCheckpoint(name: string, position: number, executor?: SqlExecutor) {
    return this.asSystem(() => storeCall(() => saveCheckpoint(executor ?? this.client, this.tables, name, position)));
  }

  /** The tenant of the work in progress in a conjoined store; undefined for the system and outside tenancy. */
  private tenantOfWork(): string | undefined {
    return this.options.conjoined === true && inTenant() ? currentTenant() : undefined;
  }

  /**
   * Checkpoints are positions in the log of every tenant (a consumer follows them all): in a
   * conjoined store they are the system's rows, read and written as the system even inside a
   * tenant's transaction (an inline projection's hook).
   */
  private asSystem<T>(fn: () => Promise<T>): Promise<T> {
    return this.options.conjoined === true ? runAsSystem(fn) : fn();
  }

  acquireLease(name: string, owner: string, ttlMs: number) {
    return storeCall(() => acquireLease(this.client, this.tables, name, owner, ttlMs));
  }

  holdsLease(tx: SqlExecutor, name: string, owner: string, token: number) {
    return holdsLease(tx, this.tables, name, owner, token);
  }

  releaseLease(name: string, owner: string) {
    return storeCall(() => releaseLease(this.client, this.tables, name, owner));
  }

  async lockAppends(tx: SqlExecutor): Promise<void> {
    // PGlite runs one transaction at a time: nothing can append while `tx` runs.
    if (this.kind === 'postgresql') await lockAppends(tx, this.tables);
  }

  readLocked(tx: SqlExecutor, options: ReadAllOptions) {
    const { tenant } = this.options;
    if (tenant === undefined) return readLocked(tx, this.tables, options);
    return readLocked(tx, this.tables, options).then((events) => ownedBy(events, tenant));
  }

  lockedHead(tx: SqlExecutor) {
    return lockedHead(tx, this.tables);
  }

  onBatch(listener: (size: number) => void): () => void {
    this.batchListeners.add(listener);
    return () => this.batchListeners.delete(listener);
  }

  poolStats() {
    return this.client.poolStats?.();
  }

  onRemoteAppends(listener: () => void): () => void {
    return this.signal.subscribe(listener);
  }

  archivableStreams(rule: ArchiveRule, limit: number) {
    return storeCall(() => archivableStreams(this.client, this.tables, rule, limit));
  }

  countArchivable(rule: ArchiveRule) {
    return storeCall(() => countArchivable(this.client, this.tables, rule));
  }

  archiveStreams(streams: readonly { streamType: string; streamId: string }[]) {
    return storeCall(() =>
      this.client.transaction(async (tx) => {
        await this.lockAppends(tx);
        return archiveStreams(tx, this.tables, streams);
      }),
    );
  }

  readsArchive(streamType: string, streamId: string, maxVersion?: number) {
    return storeCall(() => readsArchive(this.client, this.tables, streamType, streamId, maxVersion));
  }

  async health(): Promise<void> {
    await storeCall(() => this.client.query('SELECT 1'));
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.commits.drained();
    await this.signal.close();
    await this.client.close();
  }
}
