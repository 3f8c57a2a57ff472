/**
 * The event store contract (SPEC §11). Two backends implement it over one SQL dialect:
 * PostgreSQL through `pg` and embedded PostgreSQL through PGlite; both pass one contract
 * suite (test/store/contract.ts). Everything else in tusk-es talks to this interface only.
 */

/** One value of a `unique` field (SPEC §3), held by at most one stream of a type. */
export interface UniqueValue {
  field: string;
  value: string;
}

/** An event as stored: positions assigned, data in the schema version it was written at. */
export interface StoredEvent {
  id: string;
  type: string;
  streamType: string;
  streamId: string;
  /** Position in the stream, 1-based, unique per stream. */
  version: number;
  /** Global position in the log (gaps are possible; order is what counts). */
  position: number;
  /** Schema version of `data` (SPEC §6). */
  eventVersion: number;
  data: unknown;
  metadata: Record<string, unknown>;
  timestamp: Date;
  /** The tenant of the event in a conjoined store or a tenant's own store (reads of the log only; absent: single tenant). */
  tenantId?: string;
}

/**
 * What a fold of event data needs, and all a data-only stream read returns: cheaper to read
 * than a StoredEvent (no id, position, metadata or timestamp to decode).
 */
export type FoldEvent = Pick<StoredEvent, 'streamType' | 'streamId' | 'version' | 'type' | 'eventVersion' | 'data'>;

/** An event about to be appended. */
export interface NewEvent {
  id: string;
  type: string;
  eventVersion: number;
  data: unknown;
  metadata: Record<string, unknown>;
  timestamp: Date;
}

/** What the stream must look like for an append to go in. */
export type ExpectedVersion = number | 'no_stream' | 'any';

/** One atomic append: events, and everything that must commit with them or not at all. */
export interface AppendRequest {
  streamType: string;
  streamId: string;
  expectedVersion: ExpectedVersion;
  events: NewEvent[];
  /** The first result of this key is kept; a second append with it fails with IDEMPOTENCY_CONFLICT. */
  idempotencyKey?: string;
  idempotencyFingerprint?: string;
  /** `unique` field values gained and lost by the aggregate (SPEC §3). */
  unique?: { claim: UniqueValue[]; release: UniqueValue[] };
  /** State after the last event, stored as the stream's snapshot. */
  snapshot?: { version: number; state: unknown; configHash: string };
}

/** The appended events, with their positions. */
export interface AppendResult {
  events: StoredEvent[];
  /** Appends written in the same group-commit batch as this one (traces). */
  batchSize?: number;
}

/** Which part of a stream to read. */
export interface ReadStreamOptions {
  fromVersion?: number;
  toVersion?: number;
  /** Only events at or before this time (temporal reads). */
  untilTime?: Date;
  limit?: number;
}

/** Which part of the global log to read. */
export interface ReadAllOptions {
  /** Events with a position greater than this. */
  after: number;
  limit: number;
  types?: readonly string[];
  /**
   * Only the events of one partition of the streams (hash of aggregate type and id, modulo
   * `count`, see sql/partitionOf.ts): `index` in 0 … count-1. A count of 1 is every event.
   */
  partition?: { count: number; index: number };
}

/** A stored aggregate state. */
export interface Snapshot {
  version: number;
  state: unknown;
  configHash: string;
}

/** The first accepted command for an Idempotency-Key. */
export interface IdempotencyRecord {
  fingerprint: string;
  streamType: string;
  streamId: string;
  events: StoredEvent[];
}

/**
 * What a removal does: a hard delete (every event), a truncation (the events below a version),
 * or the purge of a deleted tenant (every row of it; recorded with stream `$tenant`/<tenant>).
 */
export type RemovalKind = 'delete' | 'truncate' | 'purge';

/** What purging a tenant removed: the rows per table, and the removal recorded for it. */
export interface TenantPurge {
  removal: Removal;
  /** Rows removed, by unqualified table name (the store's tenant tables, and what `work` reports). */
  rows: Record<string, number>;
}

/** One removal of events from a stream, done in one transaction (see EventStore.removeEvents). */
export interface RemoveRequest {
  kind: RemovalKind;
  streamType: string;
  streamId: string;
  /** Truncate: the events below this version go. */
  beforeVersion?: number;
  /**
   * Truncate: the closing snapshot that replaces the event at `beforeVersion - 1`, at that
   * event's version, position and time, so the stream still folds to the same state.
   */
  closing?: { id: string; type: string; data: unknown; metadata: Record<string, unknown> };
  /** The queued removal this carries out (marked done); undefined: a done row is written. */
  removalId?: number;
}

/** A removal as recorded (queued, running, done or failed). */
export interface Removal {
  id: number;
  kind: RemovalKind;
  streamType: string;
  streamId: string;
  beforeVersion: number | null;
  status: 'pending' | 'running' | 'done' | 'failed';
  eventsRemoved: number;
  error: string | null;
  /** Set when done: greater than every mark before it. */
  mark: number | null;
  /** The tenant whose stream it removes (a conjoined store); null outside tenancy. */
  tenant: string | null;
  requestedAt: Date;
  finishedAt: Date | null;
}

/** The limits of a retention sweep (EventStore.retentionCandidates). */
export interface RetentionLimits {
  /** Streams with more events than this. */
  maxCount?: number;
  /** Streams with events (other than a closing snapshot) older than this. */
  olderThan?: Date;
}

/** A stream past its retention, and the version to truncate it before. */
export interface RetentionCandidate {
  streamId: string;
  beforeVersion: number;
  /** The stream's tenant (a conjoined store); null outside tenancy. */
  tenant: string | null;
}

/** A result row set. */
export interface QueryResult<R = Record<string, unknown>> {
  rows: R[];
  rowCount: number;
}

/** Runs SQL: a pooled connection, a transaction, or the embedded database. Values always bound. */
export interface SqlExecutor {
  query<R = Record<string, unknown>>(sql: string, params?: readonly unknown[]): Promise<QueryResult<R>>;
}

/**
 * Runs inside the append transaction, after the events are inserted (inline projections).
 * If it throws, the append fails and nothing of it is written. Its optional `fold` lets the
 * common batch skip the transaction (see AppendFold).
 */
export type AppendHook = ((tx: SqlExecutor, events: readonly StoredEvent[]) => Promise<void>) & { fold?: AppendFold };

/**
 * A hook's writes for a batch as data-modifying statements (CTE bodies) of the batch's own
 * statement, so a batch with inline projections is one statement and one commit like a batch
 * without (issue 21). `events` are the batch's, in log order, before they are written: their
 * `position` is not drawn yet (0), so a fold whose writes need it returns undefined, as does
 * one whose writes depend on each other's effects (one statement sees one snapshot). Then the
 * batch runs in a transaction and the hook itself is called. An empty list: nothing to write.
 */
export type AppendFold = (events: readonly StoredEvent[], sql: FoldContext) => string[] | undefined;

/** What a fold builds its statements with. */
export interface FoldContext {
  /** A placeholder (`$n`) bound to `value`: numbered in order, each one more than the last (a fold may cache its SQL by the first). */
  param(value: unknown): string;
  /** Joined to every row source (`CROSS JOIN lock` on PostgreSQL): no row is made before the append lock is held. */
  readonly rows: string;
  /** A condition on every row written (the batch's guard: nothing is written when it fails), or undefined. */
  readonly filter: string | undefined;
  /** The statement that saves checkpoint `name` at the position event `eventId` of this batch gets. */
  checkpoint(name: string, eventId: string): string;
  /**
   * The statement runs alone, outside a transaction: a row a table refuses (a key already
   * there) fails it and nothing is written, and the batch is then written again in a
   * transaction with the hooks themselves. So an insert may leave out ON CONFLICT (its
   * speculative insertion: an index probe and a WAL record per row, issue 21).
   */
  readonly alone: boolean;
  /**
   * The events this batch's statement inserts, as a FROM item named `alias` with the events
   * table's columns (position, id, stream_type, stream_id, version, type, event_version, data,
   * metadata, created_at): a fold may read its values from them rather than bind them again.
   * Its rows exist only once the lock is held and the guard passed (no `rows` or `filter` needed).
   * Absent when the stored rows are not the events the fold is given (personal fields sealed
   * at rest): then the fold binds its values.
   */
  eventRows?(alias: string): string;
}

/** The qualified, quoted names of the store's tables (for features that join them). */
export interface StoreTables {
  schema: string;
  /** The prefix of every table name (unquoted). */
  prefix: string;
  events: string;
  snapshots: string;
  idempotency: string;
  uniques: string;
  checkpoints: string;
  leases: string;
  /** Quotes and qualifies another table name with the store's schema and prefix. */
  table(name: string): string;
}

/** How a connection pool is used right now. */
export interface PoolStats {
  /** The most connections the pool opens. */
  max: number;
  /** Connections open (idle and in use). */
  total: number;
  idle: number;
  /** Callers waiting for a connection. */
  waiting: number;
}

/** Which streams of one type an archival run moves (see EventStore.archivableStreams). */
export interface ArchiveRule {
  streamType: string;
  /** Streams whose newest event is older than this. */
  before?: Date;
  /** Streams holding an event of one of these types (closing events). */
  closing?: readonly string[];
}

/** A stream that qualifies for archival, and its events not archived yet. */
export interface ArchivableStream {
  streamType: string;
  streamId: string;
  events: number;
}

/** The event store. */
export interface EventStore {
  readonly kind: 'postgresql' | 'embedded';
  readonly tables: StoreTables;
  /**
   * True for a conjoined store (many tenants' rows under row-level security): work on its
   * events runs as their tenant (consumers). A tenant's own store (tenancy "schema" /
   * "database") is not: its events carry their tenant, but nothing needs its scope (whose
   * AsyncLocalStorage every promise of the process would pay for).
   */
  readonly conjoined: boolean;

  /**
   * Appends atomically with an expected-version check; concurrent appends to different streams
   * share one transaction (group commit) but succeed or fail one by one. Throws
   * VERSION_CONFLICT, STREAM_EXISTS, UNIQUE_VIOLATION, IDEMPOTENCY_CONFLICT or STORE_UNAVAILABLE;
   * resolves only after the commit.
   */
  append(request: AppendRequest): Promise<AppendResult>;
  /**
   * Events of one stream in version order. With `dataOnly`, only the FoldEvent fields are read
   * (aggregate loads whose `apply` reads nothing else).
   */
  readStream(streamType: string, streamId: string, options: ReadStreamOptions & { dataOnly: true }): Promise<FoldEvent[]>;
  readStream(streamType: string, streamId: string, options?: ReadStreamOptions): Promise<StoredEvent[]>;
  /** Current version of a stream (0 when it does not exist). */
  streamVersion(streamType: string, streamId: string): Promise<number>;
  /**
   * The global log after a position, in order. Never returns an event while an older
   * transaction is still in flight, so a reader that follows positions never skips one.
   */
  readAll(options: ReadAllOptions): Promise<StoredEvent[]>;
  /** The position a live reader starts after (the newest safely readable event). */
  headPosition(): Promise<number>;
  /** The stream's snapshot taken under `configHash` at or below `maxVersion`, if any. */
  loadSnapshot(streamType: string, streamId: string, configHash: string, maxVersion?: number): Promise<Snapshot | undefined>;
  /** The first result of an Idempotency-Key. */
  lookupIdempotency(key: string): Promise<IdempotencyRecord | undefined>;

  /**
   * Removes events of one stream in ONE transaction that holds the append lock: every event
   * (hard delete: with its snapshot, unique values and idempotency records) or those below a
   * version (truncate, leaving `closing` in place of the newest one removed). `work` runs in the
   * same transaction (projection rows go with the events), and the removal is recorded with a new
   * mark, so no reader sees half of it. Other events keep their positions.
   */
  removeEvents(request: RemoveRequest, work?: (tx: SqlExecutor) => Promise<void>): Promise<Removal>;
  /**
   * Removes every row of `tenant` from the store's tenant tables (events, snapshots, idempotency
   * keys, unique values, checkpoints, dead letters, saga instances, subject keys) in ONE
   * transaction that holds the append lock, as the system; `work` runs in it (projection rows)
   * and may add counts to `rows`. Recorded as a `purge` removal with a new mark, so a consumer
   * batch read before it is stale.
   */
  purgeTenant(tenant: string, work?: (tx: SqlExecutor, rows: Record<string, number>) => Promise<void>): Promise<TenantPurge>;
  /** The newest removal mark (0 when nothing was ever removed); a consumer's batch read under an older one is stale. */
  removalMark(executor?: SqlExecutor): Promise<number>;
  /** Queues a removal for the background job (status `pending`). */
  requestRemoval(request: { kind: RemovalKind; streamType: string; streamId: string; beforeVersion?: number }): Promise<Removal>;
  /** Claims the oldest queued removal (status `running`); a running one left by a dead process is claimed again. */
  claimRemoval(): Promise<Removal | undefined>;
  /** One recorded removal, or the newest ones (id descending) without an id. */
  removal(id: number): Promise<Removal | undefined>;
  listRemovals(limit: number): Promise<Removal[]>;
  /** Up to `limit` streams of `streamType` past `limits`, each with the version to truncate before. */
  retentionCandidates(streamType: string, limits: RetentionLimits, limit: number): Promise<RetentionCandidate[]>;
  /** Marks a queued removal failed (nothing of it was written). */
  failRemoval(id: number, error: string): Promise<void>;

  /** Runs one statement outside any transaction (values bound; readOnly: in a READ ONLY transaction with a timeout). */
  query<R = Record<string, unknown>>(
    sql: string,
    params?: readonly unknown[],
    options?: { readOnly?: boolean; timeoutMs?: number },
  ): Promise<QueryResult<R>>;
  /** Runs `fn` in one transaction (committed when it resolves, rolled back when it throws). */
  transaction<T>(fn: (tx: SqlExecutor) => Promise<T>): Promise<T>;
  /** Registers a hook that runs inside every append transaction. */
  addAppendHook(hook: AppendHook): () => void;

  /** The checkpoint (global position) of a named reader; 0 when it has none. */
  loadCheckpoint(name: string, executor?: SqlExecutor): Promise<number>;
  /** Saves a reader's checkpoint, normally inside the transaction that did its work. */
  saveCheckpoint(name: string, position: number, executor?: SqlExecutor): Promise<void>;
  /**
   * Takes or renews a lease so that one process in a cluster runs a named worker; resolves to
   * its fencing token when `owner` holds it until `ttlMs` from now, undefined when another
   * owner does. A lease not renewed in time passes to another owner, with a greater token.
   */
  acquireLease(name: string, owner: string, ttlMs: number): Promise<number | undefined>;
  /**
   * Inside `tx`: true when `owner` still holds lease `name` with `token` (and it has not
   * expired). The lease row stays locked until `tx` ends, so nobody can take it before the
   * work of `tx` commits: the fence of every write made under a lease.
   */
  holdsLease(tx: SqlExecutor, name: string, owner: string, token: number): Promise<boolean>;
  /** Gives a lease up (on shutdown), so another process takes over at once. */
  releaseLease(name: string, owner: string): Promise<void>;

  /**
   * Inside `tx`: waits for the store's append lock (held until `tx` ends), so no append is in
   * flight while `tx` reads the log with readLocked. A no-op on the embedded store, whose
   * transactions run one at a time.
   */
  lockAppends(tx: SqlExecutor): Promise<void>;
  /** Inside a `tx` that holds the append lock: the log after a position, every committed event. */
  readLocked(tx: SqlExecutor, options: ReadAllOptions): Promise<StoredEvent[]>;
  /** Inside a `tx` that holds the append lock: the newest position of the log (0 when empty). */
  lockedHead(tx: SqlExecutor): Promise<number>;

  /**
   * Calls `listener` soon after appends of OTHER processes on this store committed (PostgreSQL
   * LISTEN/NOTIFY; never on the embedded store, which one process owns). This process's own
   * appends are on the live bus. A notification may be lost: consumers still poll.
   */
  onRemoteAppends(listener: () => void): () => void;

  /**
   * True when events of `type` are stored differently from how they read (personal fields
   * sealed, src/personalData): SQL that reads their data in the database (a rebuild's
   * in-database replay) must read them through the store instead. Absent: never.
   */
  storesSealed?(type: string): boolean;
  /** Up to `limit` streams `rule` selects that still have events in the hot table, oldest first. */
  archivableStreams(rule: ArchiveRule, limit: number): Promise<ArchivableStream[]>;
  /** The events not archived yet of the streams `rule` selects. */
  countArchivable(rule: ArchiveRule): Promise<number>;
  /**
   * Moves every event of `streams` to the archive (the archived flag, hence the archived
   * partition) in one transaction that verifies the move; resolves to the events moved. Reads,
   * replays and appends see archived events as before.
   */
  archiveStreams(streams: readonly { streamType: string; streamId: string }[]): Promise<number>;
  /** True when the stream has an archived event at or below `maxVersion`: a read of it came (partly) from the archive. */
  readsArchive(streamType: string, streamId: string, maxVersion?: number): Promise<boolean>;

  /** Throws STORE_UNAVAILABLE when the database cannot be reached. */
  health(): Promise<void>;
  /** Tells `listener` the number of appends in every group-commit batch that committed (metrics); returns the unsubscribe. */
  onBatch?(listener: (size: number) => void): () => void;
  /** The connection pool's use (PostgreSQL only). */
  poolStats?(): PoolStats | undefined;
  /** Waits for queued appends, then closes the connections. */
  close(): Promise<void>;
}
