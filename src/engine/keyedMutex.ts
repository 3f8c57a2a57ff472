/**
 * A keyed async mutex: callers with the same key run one after another, callers with
 * different keys run concurrently. Commands on one stream are serialised through it inside
 * one process, so they almost never meet a version conflict in the store.
 */
export class KeyedMutex {
  private readonly tails = new Map<string, Promise<void>>();

  /** Runs `task` after every earlier task queued under `key` has settled. */
  async run<T>(key: string, task: () => Promise<T>): Promise<T> {
    const previous = this.tails.get(key);
    let release!: () => void;
    const current = new Promise<void>((resolve) => {
      release = resolve;
    });
    // Nobody ahead (the common case): the task starts now, and whoever comes next waits for it.
    const tail = previous === undefined ? current : previous.then(() => current);
    this.tails.set(key, tail);
    try {
      if (previous !== undefined) await previous;
      return await task();
    } finally {
      release();
      // Forget the key once nobody queued behind us, so the map does not grow per stream.
      if (this.tails.get(key) === tail) this.tails.delete(key);
    }
  }

  /** Number of keys with a task running or queued (for tests and metrics). */
  get size(): number {
    return this.tails.size;
  }
}
