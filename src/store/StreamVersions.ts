/**
 * Stream versions this store has committed, so a batch of known streams is written without
 * checking them in SQL (bench `embedded_64`, `append_64`). Versions are set only after their
 * commit and everything is forgotten when a batch fails, so a doubtful commit never leaves a
 * version behind that the log does not have; versions only grow, so a known version is never
 * ahead of the stream.
 *  - Embedded: a PGlite data dir is held by one process (pgliteClient's pid lock) and every
 *    event is written by an append through the store, so a known version is the current one.
 *  - PostgreSQL: another process may have appended since, so a known version may be behind.
 *    Then the batch's write collides with that process's event in the events' unique
 *    (stream, version) index and writes nothing, and the batch is decided again in a
 *    transaction that reads the stream (appendAtOnce, SqlEventStore.writeBatch). That event
 *    is there unless archival or a removal moved it since: the batch also checks the log
 *    epoch (logEpoch.ts), and a writer that sees it changed forgets every version.
 */
import { BoundedMap } from '../util/BoundedMap.js';

/** A bounded map (type, id) → version; the oldest entries go first. */
export class StreamVersions {
  private readonly versions: BoundedMap<string, number>;
  /** Counts the forgettings (clear): a batch begun before one must not record its versions. */
  generation = 0;

  constructor(capacity = 10_000) {
    this.versions = new BoundedMap(capacity);
  }

  /** The known current version, or undefined (then the database decides). */
  get(streamType: string, streamId: string): number | undefined {
    return this.versions.get(`${streamType}\u0000${streamId}`);
  }

  /** How many versions are remembered. */
  get size(): number {
    return this.versions.size;
  }

  /**
   * Records a committed version. `created`: the stream's first events were this commit's, so it
   * is not known here (else it would only keep its older place in the eviction order): one map
   * lookup fewer per new stream.
   */
  set(streamType: string, streamId: string, version: number, created = false): void {
    const key = `${streamType}\u0000${streamId}`;
    if (created) this.versions.setNew(key, version);
    else this.versions.set(key, version);
  }

  /** Forgets everything. */
  clear(): void {
    this.versions.clear();
    this.generation++;
  }
}
