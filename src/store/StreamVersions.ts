/**
 * Stream versions the embedded store knows to be current, so a batch of known streams is
 * written without checking them in SQL (bench `embedded_64`: on PGlite, where every statement
 * is parsed and planned anew, the check costs a fifth of a batch). Sound only where this
 * process is the one writer: a PGlite data dir is held by one process (pgliteClient's pid
 * lock) and every event is written by an append through the store. Versions are set
 * only after their commit, and everything is forgotten when a batch fails, so a doubtful
 * commit can never leave a stale version behind.
 */

/** A bounded map (type, id) → version; the oldest entries go first. */
export class StreamVersions {
  private readonly versions = new Map<string, number>();

  constructor(private readonly capacity = 10_000) {}

  /** The known current version, or undefined (then the database decides). */
  get(streamType: string, streamId: string): number | undefined {
    return this.versions.get(`${streamType}\u0000${streamId}`);
  }

  /** Records a committed version. */
  set(streamType: string, streamId: string, version: number): void {
    const key = `${streamType}\u0000${streamId}`;
    this.versions.delete(key);
    this.versions.set(key, version);
    if (this.versions.size > this.capacity) this.versions.delete(this.versions.keys().next().value!);
  }

  /** Forgets everything. */
  clear(): void {
    this.versions.clear();
  }
}
