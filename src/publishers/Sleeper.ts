/**
 * The waits of a relay: `idle` (nothing to do) ends early on a wake-up (a local append) or on
 * stop; `pause` (a backoff) ends early only on stop, so appends cannot defeat a backoff.
 * A wake-up that arrives while the relay is busy is remembered for its next idle.
 */
export class Sleeper {
  private pending = false;
  private stopped = false;
  private interrupt: ((reason: 'wake' | 'stop') => void) | undefined;

  /** Something new to read: ends an idle wait now, or the next one at once. */
  wake(): void {
    this.pending = true;
    this.interrupt?.('wake');
  }

  /** Ends any wait now and every later one at once. */
  stop(): void {
    this.stopped = true;
    this.interrupt?.('stop');
  }

  /** Waits up to `ms`, less when woken or stopped. */
  idle(ms: number): Promise<void> {
    if (this.pending || this.stopped) {
      this.pending = false;
      return Promise.resolve();
    }
    return this.wait(ms, () => true).then(() => {
      this.pending = false;
    });
  }

  /** Waits `ms`, less only when stopped. */
  pause(ms: number): Promise<void> {
    if (this.stopped) return Promise.resolve();
    return this.wait(ms, (reason) => reason === 'stop');
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
