/**
 * A Map that holds at most `capacity` entries and forgets the least recently set first (the
 * in-process state cache, the store's known stream versions).
 *
 * It evicts a sixteenth of its capacity at a time, not one entry per insert: V8's Map keeps a
 * deleted entry's slot until it rehashes, and every new iterator walks over those slots, so
 * `keys().next()` after each insert walked thousands of them once the map was full (~20 µs
 * per insert at 10,000 entries, paid twice by every command creating a stream: issue 21).
 */
export class BoundedMap<K, V> {
  private readonly entries = new Map<K, V>();
  private readonly chunk: number;

  constructor(readonly capacity: number) {
    this.chunk = Math.max(1, capacity >> 4);
  }

  get(key: K): V | undefined {
    return this.entries.get(key);
  }

  /** Sets `key` as the most recently set entry; past the capacity, the oldest entries go. */
  set(key: K, value: V): void {
    this.entries.delete(key);
    this.entries.set(key, value);
    if (this.entries.size > this.capacity) this.evict();
  }

  /**
   * `set` for a key the caller knows is not in the map (a new stream's): one hash lookup fewer
   * per insert. A key that is there after all takes the value and keeps its place in the order.
   */
  setNew(key: K, value: V): void {
    this.entries.set(key, value);
    if (this.entries.size > this.capacity) this.evict();
  }

  delete(key: K): void {
    this.entries.delete(key);
  }

  /** The keys, oldest set first. */
  keys(): IterableIterator<K> {
    return this.entries.keys();
  }

  clear(): void {
    this.entries.clear();
  }

  get size(): number {
    return this.entries.size;
  }

  /** Drops the oldest entries, a chunk of them (which brings the size back to the capacity or below), in one walk. */
  private evict(): void {
    let excess = Math.max(this.chunk, this.entries.size - this.capacity);
    for (const key of this.entries.keys()) {
      if (excess-- <= 0) return;
      this.entries.delete(key);
    }
  }
}
