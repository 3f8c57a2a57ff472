/**
 * The waits of a consumer (async projections, relays, sagas): `idle` ends early when woken
 * (a local append) or stopped; `pause` (a backoff) ends early only when stopped, so appends
 * cannot defeat a backoff. A wake-up that arrives while the worker is busy is remembered for
 * its next idle.
 */
export class Waker {
  private pending = false;
  private stopped = false;
  private interrupt: ((reason: 'wake' | 'stop') => void) | undefined;

  /** Something new to read. */
  wake(): void {
    this.pending = true;
    this.interrupt?.('wake');
  }

  /** Ends the current wait and every later one at once. */
  stop(): void {
    this.stopped = true;
    this.interrupt?.('stop');
  }

  /** Waits up to `ms`, less when woken or stopped. */
  async idle(ms: number): Promise<void> {
    if (!this.pending && !this.stopped) await this.wait(ms, () => true);
    this.pending = false;
  }

  /** Waits for `ready`, less when stopped. */
  async until(ready: Promise<void>): Promise<void> {
    if (this.stopped) return;
    let end!: () => void;
    const stopped = new Promise<void>((resolve) => (end = resolve));
    this.interrupt = (reason) => {
      if (reason === 'stop') end();
    };
    await Promise.race([ready, stopped]);
    this.interrupt = undefined;
  }

  /** Waits `ms`, less only when stopped. */
  pause(ms: number): Promise<void> {
    return this.stopped ? Promise.resolve() : this.wait(ms, (reason) => reason === 'stop');
  }

  private wait(ms: number, endsOn: (reason: 'wake' | 'stop') => boolean): Promise<void> {
    return new Promise<void>((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.interrupt = undefined;
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.interrupt = (reason) => {
        if (endsOn(reason)) done();
      };
    });
  }
}
