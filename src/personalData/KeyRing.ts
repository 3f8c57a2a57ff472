/**
 * The data keys of subjects, unwrapped, with a short-lived cache. A key read here is trusted
 * for CACHE_MS only, so another process that forgets a subject is obeyed within that time;
 * this process drops a forgotten key at once (forget). A missing key is cached for good: key
 * ids are never reused, so a destroyed key never comes back.
 */
import { randomUUID } from 'node:crypto';
import type { SqlExecutor, StoreTables } from '../store/EventStore.js';
import { TuskError } from '../errors.js';
import { newDataKey, openBytes, sealBytes } from './cipher.js';
import { ensureSubjectKeys, type KeyRow } from './sql/ensureSubjectKeys.js';
import { readKeys, readStreamKeys } from './sql/readKeys.js';

/** How long a key read from the table is used without reading it again. */
export const CACHE_MS = 1000;

const WRAP_AAD = 'tusk-es subject key';

/** Past this many cached keys the caches start again (a bound on memory, not a tuning knob). */
const MAX_CACHED = 100_000;

/** An unwrapped data key. */
export interface DataKey {
  id: string;
  key: Buffer;
}

/** The key table, seen through the master key. */
export class KeyRing {
  private readonly byId = new Map<string, { key: Buffer | null; at: number }>();
  private readonly bySubject = new Map<string, { key: DataKey; at: number }>();
  /** subject \0 stream type \0 stream id, bound in the table (within CACHE_MS). */
  private readonly bound = new Map<string, number>();

  constructor(
    private readonly master: Buffer,
    private readonly tables: StoreTables,
    private readonly clock: () => number = Date.now,
  ) {}

  /** The keys of `subjects` (created for new ones), each bound to the stream. */
  async forSubjects(db: SqlExecutor, subjects: ReadonlySet<string>, stream: { type: string; id: string }): Promise<Map<string, DataKey>> {
    const now = this.clock();
    const out = new Map<string, DataKey>();
    const missing: string[] = [];
    for (const s of subjects) {
      const hit = this.bySubject.get(s);
      const boundAt = this.bound.get(`${s}\0${stream.type}\0${stream.id}`);
      if (hit && now - hit.at < CACHE_MS && boundAt !== undefined && now - boundAt < CACHE_MS) out.set(s, hit.key);
      else missing.push(s);
    }
    if (missing.length === 0) return out;
    const candidates = missing.map((subject) => ({
      key_id: randomUUID(),
      subject,
      wrapped: sealBytes(this.master, newDataKey(), WRAP_AAD),
    }));
    let rows = await ensureSubjectKeys(db, this.tables, candidates, stream);
    // a concurrent insert of the same subject committed after this statement's snapshot: read again
    if (rows.length < missing.length) rows = await ensureSubjectKeys(db, this.tables, candidates, stream);
    for (const row of rows) {
      const key = this.remember(row, now);
      if (this.bySubject.size > MAX_CACHED) this.bySubject.clear();
      if (this.bound.size > MAX_CACHED) this.bound.clear();
      this.bySubject.set(row.subject, { key, at: now });
      this.bound.set(`${row.subject}\0${stream.type}\0${stream.id}`, now);
      out.set(row.subject, key);
    }
    return out;
  }

  /** Keys by id; a destroyed key maps to null. */
  async byIds(db: SqlExecutor, ids: ReadonlySet<string>): Promise<Map<string, Buffer | null>> {
    const now = this.clock();
    const out = new Map<string, Buffer | null>();
    const missing: string[] = [];
    for (const id of ids) {
      const hit = this.byId.get(id);
      if (hit && (hit.key === null || now - hit.at < CACHE_MS)) out.set(id, hit.key);
      else missing.push(id);
    }
    if (missing.length === 0) return out;
    const rows = await readKeys(db, this.tables, missing);
    // A key dropped (forgotten here) while it was being read stays destroyed: remembering the
    // row would bring it back for CACHE_MS.
    for (const row of rows) out.set(row.key_id, this.byId.get(row.key_id)?.key === null ? null : this.remember(row, now).key);
    for (const id of missing) {
      if (out.has(id)) continue;
      this.byId.set(id, { key: null, at: now });
      out.set(id, null);
    }
    return out;
  }

  /** The keys of the subjects bound to a stream (snapshots are sealed with all of them). */
  async forStream(db: SqlExecutor, streamType: string, streamId: string): Promise<DataKey[]> {
    const now = this.clock();
    const rows = await readStreamKeys(db, this.tables, streamType, streamId);
    return rows.map((row) => this.remember(row, now));
  }

  /** Forgets every cached key (another process forgot a subject: forgetEvictions.ts). */
  clear(): void {
    this.byId.clear();
    this.bySubject.clear();
    this.bound.clear();
  }

  /** Forgets keys at once in this process (their rows were just deleted). */
  drop(subject: string, keyIds: readonly string[]): void {
    this.bySubject.delete(subject);
    for (const key of this.bound.keys()) if (key.startsWith(`${subject}\0`)) this.bound.delete(key);
    for (const id of keyIds) this.byId.set(id, { key: null, at: this.clock() });
  }

  private remember(row: KeyRow, now: number): DataKey {
    const key = openBytes(this.master, row.wrapped, WRAP_AAD);
    // another master key than the one that wrapped the keys: refuse, rather than read every
    // personal field as erased
    if (key === undefined)
      throw new TuskError(
        'ENCRYPTION_KEY_WRONG',
        'event_store.encryption_key does not open the stored subject keys (it is not the key they were wrapped with)',
      );
    if (this.byId.size > MAX_CACHED) this.byId.clear();
    this.byId.set(row.key_id, { key, at: now });
    return { id: row.key_id, key };
  }
}
