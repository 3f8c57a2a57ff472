/**
 * A keyed async mutex: callers with the same key run one after another, callers with
 * different keys run concurrently. Commands on one stream are serialised through it inside
 * one process, so they almost never meet a version conflict in the store.
 */
export class KeyedMutex {
  /** Per key, a promise that settles (never rejects) once the last task queued under it has. */
  private readonly tails = new Map<string, Promise<void>>();

  /** Runs `task` after every earlier task queued under `key` has settled. */
  run<T>(key: string, task: () => Promise<T>): Promise<T> {
    const previous = this.tails.get(key);
    // Nobody ahead (the common case): the task starts now, with no promise of its own around it
    // (every command passes here: server CPU per command, bench/README.md `http_64`).
    const running = previous === undefined ? start(task) : previous.then(task);
    let tail: Promise<void> | undefined = undefined;
    // Forget the key once nobody queued behind this task, so the map does not grow per stream.
    const settled = (): void => {
      if (this.tails.get(key) === tail) this.tails.delete(key);
    };
    tail = running.then(settled, settled);
    this.tails.set(key, tail);
    return running;
  }

  /** Number of keys with a task running or queued (for tests and metrics). */
  get size(): number {
    return this.tails.size;
  }
}

/** `task()`, with a synchronous throw turned into a rejection (as an async caller would see it). */
function start<T>(task: () => Promise<T>): Promise<T> {
  try {
    return task();
  } catch (err) {
    // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors -- the task's own throw, passed on unchanged
    return Promise.reject(err);
  }
}
