import { describe, expect, it } from 'vitest';
import { KeyedMutex } from '../../src/engine/keyedMutex.js';

/** A promise and its resolve/reject, settled by the test. */
function deferred(): { promise: Promise<void>; resolve: () => void; reject: (err: Error) => void } {
  let resolve!: () => void;
  let reject!: (err: Error) => void;
  const promise = new Promise<void>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

describe('KeyedMutex', () => {
  it('starts a task on a free key at once, and runs the tasks of one key one after another', async () => {
    const mutex = new KeyedMutex();
    const log: string[] = [];
    const first = deferred();
    const a = mutex.run('k', async () => {
      log.push('a start');
      await first.promise;
      log.push('a end');
    });
    expect(log).toEqual(['a start']); // no turn of the event loop waited for a free key
    const b = mutex.run('k', () => {
      log.push('b start');
      return Promise.resolve();
    });
    await Promise.resolve();
    expect(log).toEqual(['a start']);
    first.resolve();
    await Promise.all([a, b]);
    expect(log).toEqual(['a start', 'a end', 'b start']);
    expect(mutex.size).toBe(0);
  });

  it('runs the next task of a key after one that failed, and other keys meanwhile', async () => {
    const mutex = new KeyedMutex();
    const log: string[] = [];
    const first = deferred();
    const a = mutex.run('k', async () => {
      await first.promise;
    });
    const b = mutex.run('k', () => {
      log.push('b');
      return Promise.resolve();
    });
    await mutex.run('other', () => {
      log.push('other');
      return Promise.resolve();
    });
    expect(log).toEqual(['other']);
    first.reject(new Error('a failed'));
    await expect(a).rejects.toThrow('a failed');
    await b;
    expect(log).toEqual(['other', 'b']);
    expect(mutex.size).toBe(0);
  });
});
