/**
 * The event store with its archive in files (`event_store.archive.storage = "files"`, issue 16
 * item 3). Archival moves every event of a stream but its newest out of the events table into
 * a gzip NDJSON file (ArchiveDirectory), recorded in the manifest in the transaction that
 * deletes the rows; the newest event stays, so the stream's version (and every append's
 * check of it) is the events table's as before. Reads of streams and of the log merge the
 * files' events back in version / position order, so loads, temporal reads, catch-ups,
 * rebuilds and replays see one log. Reads query the table first and the manifest second, and
 * drop what both returned: a batch archived in between is then seen once, never missed.
 */
import type {
  AppendHook,
  AppendRequest,
  AppendResult,
  ArchivableStream,
  ArchiveRule,
  EventStore,
  FoldEvent,
  ReadAllOptions,
  ReadStreamOptions,
  Removal,
  RemoveRequest,
  SqlExecutor,
  StoredEvent,
} from '../EventStore.js';
import { ArchiveDirectory } from './ArchiveDirectory.js';
import { archivableStreams, countArchivable } from '../sql/archive.js';
import { batchRows, commitBatch, logFiles, streamFiles, streamInFiles } from './manifestSql.js';
import { removeArchived } from './removeArchived.js';
import { ownedBy } from '../eventRow.js';
import { storeCall } from '../storeErrors.js';

const MAX_INT = 2_147_483_647;

/** An event store whose archived events live in files. */
export class FileArchiveStore implements EventStore {
  readonly kind: EventStore['kind'];
  readonly tables: EventStore['tables'];
  readonly conjoined: boolean;
  readonly directory: ArchiveDirectory;

  constructor(
    private readonly inner: EventStore,
    dir: string,
    /** The tenant of a tenant's own store (tenancy modes "schema"/"database"): archived events carry it too (ownedBy). */
    private readonly tenant?: string,
  ) {
    this.kind = inner.kind;
    this.tables = inner.tables;
    this.conjoined = inner.conjoined;
    this.directory = new ArchiveDirectory(dir);
  }

  append(request: AppendRequest): Promise<AppendResult> {
    return this.inner.append(request);
  }

  readStream(streamType: string, streamId: string, options: ReadStreamOptions & { dataOnly: true }): Promise<FoldEvent[]>;
  readStream(streamType: string, streamId: string, options?: ReadStreamOptions): Promise<StoredEvent[]>;
  async readStream(
    streamType: string,
    streamId: string,
    options: ReadStreamOptions & { dataOnly?: boolean } = {},
  ): Promise<FoldEvent[] | StoredEvent[]> {
    const hot = await this.inner.readStream(streamType, streamId, options);
    const from = options.fromVersion ?? 1;
    // the table holds the read's first version: nothing of it is archived (no manifest look-up)
    if (hot.length > 0 && hot[0]!.version <= from) return hot;
    const to = Math.min(options.toVersion ?? MAX_INT, MAX_INT, hot.length > 0 ? hot[0]!.version - 1 : MAX_INT);
    const files = await storeCall(() => streamFiles(this.inner, this.tables, streamType, streamId, from, to));
    if (files.length === 0) return hot;
    const until = options.untilTime?.getTime();
    const archived: StoredEvent[] = [];
    for (const f of files) {
      for (const e of await this.directory.events(f.file, f.sha256)) {
        if (e.streamType !== streamType || e.streamId !== streamId || e.version < from || e.version > to) continue;
        if (until !== undefined && e.timestamp.getTime() > until) continue;
        archived.push(e);
      }
    }
    archived.sort((a, b) => a.version - b.version);
    const merged = [...archived, ...hot];
    return options.limit === undefined ? merged : merged.slice(0, options.limit);
  }

  streamVersion(streamType: string, streamId: string): Promise<number> {
    return this.inner.streamVersion(streamType, streamId);
  }

  async readAll(options: ReadAllOptions): Promise<StoredEvent[]> {
    return this.mergeLog(this.inner, options, await this.inner.readAll(options));
  }

  /**
   * `hot` (a read of the table) with the archived events of the same stretch of the log: after
   * `options.after` and, when `hot` is full, before its last position; the first `limit` of
   * both, in position order. Files are read in the order of their first wanted position, only
   * until the next one cannot hold an event among the first `limit`.
   */
  private async mergeLog(db: SqlExecutor, options: ReadAllOptions, hot: StoredEvent[]): Promise<StoredEvent[]> {
    const bound = hot.length >= options.limit ? hot[hot.length - 1]!.position : undefined;
    const files = await storeCall(() => logFiles(db, this.tables, options, bound));
    if (files.length === 0) return hot;
    const types = options.types === undefined ? undefined : new Set(options.types);
    const seen = new Set(hot.map((e) => e.position));
    let merged = hot;
    for (const f of files) {
      if (merged.length >= options.limit && f.first > merged[options.limit - 1]!.position) break;
      const streams = new Set(f.streams.map(([type, id]) => `${type}\u0000${id}`));
      const wanted = (await this.directory.events(f.file, f.sha256)).filter(
        (e) =>
          e.position > options.after &&
          (bound === undefined || e.position < bound) &&
          !seen.has(e.position) &&
          (types === undefined || types.has(e.type)) &&
          streams.has(`${e.streamType}\u0000${e.streamId}`),
      );
      for (const e of ownedBy(wanted, this.tenant)) seen.add(e.position);
      merged = [...merged, ...wanted].sort((a, b) => a.position - b.position).slice(0, options.limit);
    }
    return merged;
  }

  headPosition(): Promise<number> {
    return this.inner.headPosition();
  }

  loadSnapshot: EventStore['loadSnapshot'] = (...args) => this.inner.loadSnapshot(...args);
  lookupIdempotency: EventStore['lookupIdempotency'] = (key) => this.inner.lookupIdempotency(key);
  query: EventStore['query'] = (sql, params, options) => this.inner.query(sql, params, options);

  transaction<T>(fn: (tx: SqlExecutor) => Promise<T>): Promise<T> {
    return this.inner.transaction(fn);
  }

  addAppendHook(hook: AppendHook): () => void {
    return this.inner.addAppendHook(hook);
  }

  loadCheckpoint: EventStore['loadCheckpoint'] = (name, executor) => this.inner.loadCheckpoint(name, executor);
  saveCheckpoint: EventStore['saveCheckpoint'] = (name, position, executor) => this.inner.saveCheckpoint(name, position, executor);
  acquireLease: EventStore['acquireLease'] = (name, owner, ttlMs) => this.inner.acquireLease(name, owner, ttlMs);
  holdsLease: EventStore['holdsLease'] = (tx, name, owner, token) => this.inner.holdsLease(tx, name, owner, token);
  releaseLease: EventStore['releaseLease'] = (name, owner) => this.inner.releaseLease(name, owner);
  lockAppends: EventStore['lockAppends'] = (tx) => this.inner.lockAppends(tx);

  async readLocked(tx: SqlExecutor, options: ReadAllOptions): Promise<StoredEvent[]> {
    return this.mergeLog(tx, options, await this.inner.readLocked(tx, options));
  }

  lockedHead: EventStore['lockedHead'] = (tx) => this.inner.lockedHead(tx);
  onRemoteAppends: EventStore['onRemoteAppends'] = (listener) => this.inner.onRemoteAppends(listener);

  /** Every type may have events in files, which SQL over the events table does not see: rebuilds replay through the store. */
  storesSealed(): boolean {
    return true;
  }

  archivableStreams(rule: ArchiveRule, limit: number): Promise<ArchivableStream[]> {
    return storeCall(() => archivableStreams(this.inner, this.tables, rule, limit, 1));
  }

  countArchivable(rule: ArchiveRule): Promise<number> {
    return storeCall(() => countArchivable(this.inner, this.tables, rule, 1));
  }

  /**
   * Moves the batch: reads its rows, writes and verifies its file (ArchiveDirectory.write),
   * then deletes the rows and records the file in one transaction. A crash before that commit
   * leaves the rows in place (and a file nobody reads, which the next run writes again).
   */
  async archiveStreams(streams: readonly { streamType: string; streamId: string }[]): Promise<number> {
    if (streams.length === 0) return 0;
    const rows = await storeCall(() => batchRows(this.inner, this.tables, streams));
    if (rows.length === 0) return 0;
    const file = await this.directory.write(
      rows.map((r) => r.line),
      rows[0]!.position,
      rows[rows.length - 1]!.position,
    );
    return this.inner.transaction(async (tx) => {
      // under the append lock, as every move of events (the log epoch: src/store/sql/logEpoch.ts)
      await this.inner.lockAppends(tx);
      return commitBatch(tx, this.tables, file, rows);
    });
  }

  async readsArchive(streamType: string, streamId: string, maxVersion?: number): Promise<boolean> {
    return storeCall(() => streamInFiles(this.inner, this.tables, streamType, streamId, maxVersion ?? MAX_INT));
  }

  /** A removal reaches the stream's archived events too (removeArchived). */
  removeEvents(request: RemoveRequest, work?: (tx: SqlExecutor) => Promise<void>): Promise<Removal> {
    return this.inner.removeEvents(request, async (tx) => {
      await removeArchived(tx, this.tables, this.directory, request);
      await work?.(tx);
    });
  }

  // conjoined tenancy refuses a files archive (check), so a purge has no file to touch
  purgeTenant: EventStore['purgeTenant'] = (tenant, work) => this.inner.purgeTenant(tenant, work);
  removalMark: EventStore['removalMark'] = (executor) => this.inner.removalMark(executor);
  requestRemoval: EventStore['requestRemoval'] = (request) => this.inner.requestRemoval(request);
  claimRemoval: EventStore['claimRemoval'] = () => this.inner.claimRemoval();
  removal: EventStore['removal'] = (id) => this.inner.removal(id);
  listRemovals: EventStore['listRemovals'] = (limit) => this.inner.listRemovals(limit);
  retentionCandidates: EventStore['retentionCandidates'] = (type, limits, limit) => this.inner.retentionCandidates(type, limits, limit);
  failRemoval: EventStore['failRemoval'] = (id, error) => this.inner.failRemoval(id, error);

  health(): Promise<void> {
    return this.inner.health();
  }

  onBatch(listener: (size: number) => void): () => void {
    return this.inner.onBatch?.(listener) ?? (() => undefined);
  }

  poolStats: NonNullable<EventStore['poolStats']> = () => this.inner.poolStats?.();

  close(): Promise<void> {
    return this.inner.close();
  }
}
