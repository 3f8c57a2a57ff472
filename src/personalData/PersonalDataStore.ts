/**
 * The event store seen through personal data (issue 16): the one place where personal fields
 * are sealed on their way in and opened on their way out. Appends seal the declared fields
 * with their subject's key (and snapshots with the keys of the stream's subjects); every read
 * of events (streams, the global log, idempotent replays, append hooks) opens them, or shows
 * `erased_value` where the subject was forgotten. So plaintext of a personal field never
 * reaches a table, and every reader above the store (loads, HTTP, SSE, upcasting, projections,
 * rebuilds, publishers, sagas) gets it without knowing about encryption.
 */
import type {
  AppendHook,
  AppendRequest,
  AppendResult,
  ArchiveRule,
  EventStore,
  FoldContext,
  FoldEvent,
  IdempotencyRecord,
  ReadAllOptions,
  ReadStreamOptions,
  Removal,
  RemovalKind,
  TenantPurge,
  RemoveRequest,
  RetentionCandidate,
  RetentionLimits,
  Snapshot,
  SqlExecutor,
  StoredEvent,
  UniqueValue,
} from '../store/EventStore.js';
import { CLOSING_SNAPSHOT } from '../engine/systemEvents.js';
import { digestValue } from './cipher.js';
import { KeyRing, type DataKey } from './KeyRing.js';
import type { PersonalDataRules } from './PersonalDataRules.js';
import { SAGA_EVENTS, SAGA_STREAM_TYPE } from '../sagas/sagaEvents.js';
import { isSagaAction, isSagaCopy, openSaga, sagaKeyIds, sagaStartSubject, sealSagaAction, sealSagaStart } from './sagaSeal.js';
import { keyIdsOf, openData, sealData, subjectsOf } from './sealEvents.js';
import { openState, sealedStateKeys, sealState } from './sealState.js';
import { destroySubjectKey, type DestroyedSubject } from './sql/destroySubjectKey.js';

/** An event store whose personal fields are sealed at rest. */
export class PersonalDataStore implements EventStore {
  readonly kind: EventStore['kind'];
  readonly tables: EventStore['tables'];
  readonly conjoined: boolean;
  readonly keys: KeyRing;
  /** Plaintext data of events being appended, by id: what append hooks see. */
  private readonly inFlight = new Map<string, unknown>();

  constructor(
    private readonly inner: EventStore,
    readonly rules: PersonalDataRules,
    private readonly master: Buffer,
  ) {
    this.kind = inner.kind;
    this.tables = inner.tables;
    this.conjoined = inner.conjoined;
    this.keys = new KeyRing(master, inner.tables);
  }

  async append(request: AppendRequest): Promise<AppendResult> {
    const { streamType, streamId } = request;
    const saga = streamType === SAGA_STREAM_TYPE;
    const subjects = saga
      ? request.events.map((e) => (e.type === SAGA_EVENTS.started ? sagaStartSubject(this.rules, e.data) : undefined))
      : subjectsOf(this.rules, streamType, streamId, request.events);
    const wanted = new Set(subjects.filter((s): s is string => s !== undefined));
    const keys =
      wanted.size === 0 ? new Map<string, DataKey>() : await this.keys.forSubjects(this.inner, wanted, { type: streamType, id: streamId });
    // a snapshot, or a saga step's input, is sealed with the keys of every subject of its stream
    const wholeSealed = request.snapshot !== undefined || request.events.some((e) => isSagaAction(streamType, e.type));
    const streamKeys = wholeSealed ? await this.keys.forStream(this.inner, streamType, streamId) : [];
    const events = request.events.map((e, i) => {
      const subject = subjects[i];
      let data = e.data;
      if (subject !== undefined)
        data = saga
          ? sealSagaStart(this.rules, e.data, keys.get(subject)!)
          : sealData(this.rules.ruleFor(streamType, e.type)!, e.data, keys.get(subject)!);
      else if (isSagaAction(streamType, e.type)) data = sealSagaAction(e.data, streamKeys);
      if (data === e.data) return e;
      this.inFlight.set(e.id, e.data);
      return { ...e, data };
    });
    const sealed: AppendRequest = { ...request, events };
    if (request.snapshot !== undefined) sealed.snapshot = { ...request.snapshot, state: sealState(request.snapshot.state, streamKeys) };
    if (request.unique !== undefined)
      sealed.unique = {
        claim: this.digestUniques(streamType, request.unique.claim),
        release: this.digestUniques(streamType, request.unique.release),
      };
    try {
      const result = await this.inner.append(sealed);
      return { events: result.events.map((e, i) => (events[i] === request.events[i] ? e : { ...e, data: request.events[i]!.data })) };
    } finally {
      for (const e of events) this.inFlight.delete(e.id);
    }
  }

  /** `unique` values of personal fields are claimed by their keyed digest, never as plaintext. */
  private digestUniques(streamType: string, values: readonly UniqueValue[]): UniqueValue[] {
    const personal = this.rules.fieldNames(streamType);
    return values.map((u) => (personal.has(u.field) ? { field: u.field, value: digestValue(this.master, u.value) } : u));
  }

  readStream(streamType: string, streamId: string, options: ReadStreamOptions & { dataOnly: true }): Promise<FoldEvent[]>;
  readStream(streamType: string, streamId: string, options?: ReadStreamOptions): Promise<StoredEvent[]>;
  async readStream(
    streamType: string,
    streamId: string,
    options?: ReadStreamOptions & { dataOnly?: boolean },
  ): Promise<FoldEvent[] | StoredEvent[]> {
    if (options?.dataOnly === true)
      return this.open(this.inner, await this.inner.readStream(streamType, streamId, { ...options, dataOnly: true }));
    return this.open(this.inner, await this.inner.readStream(streamType, streamId, options));
  }

  streamVersion(streamType: string, streamId: string): Promise<number> {
    return this.inner.streamVersion(streamType, streamId);
  }

  async readAll(options: ReadAllOptions): Promise<StoredEvent[]> {
    return this.open(this.inner, await this.inner.readAll(options));
  }

  headPosition(): Promise<number> {
    return this.inner.headPosition();
  }

  async loadSnapshot(streamType: string, streamId: string, configHash: string, maxVersion?: number): Promise<Snapshot | undefined> {
    const snapshot = await this.inner.loadSnapshot(streamType, streamId, configHash, maxVersion);
    const ids = sealedStateKeys(snapshot?.state);
    if (snapshot === undefined || ids === undefined) return snapshot;
    const state = openState(snapshot.state, await this.keys.byIds(this.inner, new Set(ids)));
    return state === undefined ? undefined : { ...snapshot, state };
  }

  async lookupIdempotency(key: string): Promise<IdempotencyRecord | undefined> {
    const record = await this.inner.lookupIdempotency(key);
    return record === undefined ? undefined : { ...record, events: await this.open(this.inner, record.events) };
  }

  query: EventStore['query'] = (sql, params, options) => this.inner.query(sql, params, options);

  transaction<T>(fn: (tx: SqlExecutor) => Promise<T>): Promise<T> {
    return this.inner.transaction(fn);
  }

  /** Hooks run inside the append transaction (or fold into its statement), on the plaintext of the events being appended. */
  addAppendHook(hook: AppendHook): () => void {
    const plain = (events: readonly StoredEvent[]) =>
      events.map((e) => (this.inFlight.has(e.id) ? { ...e, data: this.inFlight.get(e.id) } : e));
    const inner: AppendHook = (tx, events) => hook(tx, plain(events));
    const fold = hook.fold;
    if (fold !== undefined)
      inner.fold = (events, sql) =>
        // A sealed event's row holds ciphertext, not the plaintext the fold is given: its values go bound.
        fold(plain(events), events.some((e) => this.inFlight.has(e.id)) ? withoutEventRows(sql) : sql);
    return this.inner.addAppendHook(inner);
  }

  loadCheckpoint(name: string, executor?: SqlExecutor): Promise<number> {
    return this.inner.loadCheckpoint(name, executor);
  }

  saveCheckpoint(name: string, position: number, executor?: SqlExecutor): Promise<void> {
    return this.inner.saveCheckpoint(name, position, executor);
  }

  acquireLease(name: string, owner: string, ttlMs: number): Promise<number | undefined> {
    return this.inner.acquireLease(name, owner, ttlMs);
  }

  holdsLease(tx: SqlExecutor, name: string, owner: string, token: number): Promise<boolean> {
    return this.inner.holdsLease(tx, name, owner, token);
  }

  releaseLease(name: string, owner: string): Promise<void> {
    return this.inner.releaseLease(name, owner);
  }

  /** A closing snapshot's state is derived from personal fields: it is sealed like a snapshot. */
  async removeEvents(request: RemoveRequest, work?: (tx: SqlExecutor) => Promise<void>): Promise<Removal> {
    if (request.closing === undefined) return this.inner.removeEvents(request, work);
    const keys = await this.keys.forStream(this.inner, request.streamType, request.streamId);
    const data = request.closing.data as { state?: unknown };
    return this.inner.removeEvents(
      { ...request, closing: { ...request.closing, data: { ...data, state: sealState(data.state, keys) } } },
      work,
    );
  }

  purgeTenant(tenant: string, work?: (tx: SqlExecutor, rows: Record<string, number>) => Promise<void>): Promise<TenantPurge> {
    return this.inner.purgeTenant(tenant, work);
  }

  removalMark(executor?: SqlExecutor): Promise<number> {
    return this.inner.removalMark(executor);
  }

  requestRemoval(request: { kind: RemovalKind; streamType: string; streamId: string; beforeVersion?: number }): Promise<Removal> {
    return this.inner.requestRemoval(request);
  }

  claimRemoval(): Promise<Removal | undefined> {
    return this.inner.claimRemoval();
  }

  removal(id: number): Promise<Removal | undefined> {
    return this.inner.removal(id);
  }

  listRemovals(limit: number): Promise<Removal[]> {
    return this.inner.listRemovals(limit);
  }

  retentionCandidates(streamType: string, limits: RetentionLimits, limit: number): Promise<RetentionCandidate[]> {
    return this.inner.retentionCandidates(streamType, limits, limit);
  }

  failRemoval(id: number, error: string): Promise<void> {
    return this.inner.failRemoval(id, error);
  }

  lockAppends(tx: SqlExecutor): Promise<void> {
    return this.inner.lockAppends(tx);
  }

  /** Keys are read through `tx` too: the embedded store runs one transaction at a time. */
  async readLocked(tx: SqlExecutor, options: ReadAllOptions): Promise<StoredEvent[]> {
    return this.open(tx, await this.inner.readLocked(tx, options));
  }

  lockedHead(tx: SqlExecutor): Promise<number> {
    return this.inner.lockedHead(tx);
  }

  onRemoteAppends(listener: () => void): () => void {
    return this.inner.onRemoteAppends(listener);
  }

  storesSealed(type: string): boolean {
    return this.rules.coversType(type) || this.inner.storesSealed?.(type) === true;
  }

  // Archival moves rows as stored: personal fields stay sealed in the archive.
  archivableStreams(rule: ArchiveRule, limit: number) {
    return this.inner.archivableStreams(rule, limit);
  }

  countArchivable(rule: ArchiveRule) {
    return this.inner.countArchivable(rule);
  }

  archiveStreams(streams: readonly { streamType: string; streamId: string }[]) {
    return this.inner.archiveStreams(streams);
  }

  readsArchive(streamType: string, streamId: string, maxVersion?: number) {
    return this.inner.readsArchive(streamType, streamId, maxVersion);
  }

  health(): Promise<void> {
    return this.inner.health();
  }

  onBatch(listener: (size: number) => void): () => void {
    return this.inner.onBatch?.(listener) ?? (() => undefined);
  }

  poolStats() {
    return this.inner.poolStats?.();
  }

  close(): Promise<void> {
    return this.inner.close();
  }

  /**
   * Destroys a subject's key (and its streams' snapshots) in one transaction; from then on its
   * sealed fields read as erased, in this process at once and in others within CACHE_MS.
   */
  async destroySubject(subject: string): Promise<DestroyedSubject> {
    const destroyed = await this.inner.transaction((tx) => destroySubjectKey(tx, this.tables, subject));
    this.keys.drop(subject, destroyed.keyIds);
    return destroyed;
  }

  /** Opens the personal fields of read events (one key lookup for the whole batch). */
  private async open<E extends FoldEvent>(db: SqlExecutor, events: E[]): Promise<E[]> {
    const ids = new Set<string>();
    for (const e of events) {
      if (isSagaCopy(e.streamType, e.type)) sagaKeyIds(this.rules, e.type, e.data, ids);
      else {
        const rule = this.rules.ruleFor(e.streamType, e.type);
        if (rule !== undefined) keyIdsOf(rule, e.data, ids);
        else if (e.type === CLOSING_SNAPSHOT)
          for (const id of sealedStateKeys((e.data as { state?: unknown } | null)?.state) ?? []) ids.add(id);
      }
    }
    if (ids.size === 0) return events;
    const keys = await this.keys.byIds(db, ids);
    return events.map((e) => {
      if (isSagaCopy(e.streamType, e.type)) return { ...e, data: openSaga(this.rules, e.type, e.data, keys) };
      const rule = this.rules.ruleFor(e.streamType, e.type);
      if (rule !== undefined) return { ...e, data: openData(rule, e.data, keys) };
      // A closing snapshot whose key is gone opens to no state: the fold keeps the initial one.
      if (e.type === CLOSING_SNAPSHOT)
        return { ...e, data: { ...(e.data as object), state: openState((e.data as { state?: unknown }).state, keys) } };
      return e;
    });
  }
}

/** `sql` without `eventRows`: a fold given it binds its values instead of reading the stored rows. */
function withoutEventRows(sql: FoldContext): FoldContext {
  return {
    param: (value) => sql.param(value),
    rows: sql.rows,
    filter: sql.filter,
    checkpoint: (name, eventId) => sql.checkpoint(name, eventId),
    alone: sql.alone,
  };
}
