/** Progress of a rebuild: events done of the total counted at its start, rate and ETA. */

/** One progress report. */
export interface RebuildProgress {
  projection: string;
  /** Events replayed so far. */
  done: number;
  /** Events of the projection's types in the log when the rebuild started (appends may add some). */
  total: number;
  /** The log position reached. */
  position: number;
  elapsedMs: number;
  eventsPerSecond: number;
  /** Estimated time left; undefined until there is a rate to go by. */
  etaMs: number | undefined;
  finished: boolean;
}

/** Counts a rebuild's events and reports each step. */
export class RebuildClock {
  private readonly started = performance.now();
  private done = 0;
  private position = 0;

  constructor(
    private readonly projection: string,
    private readonly total: number,
    private readonly report?: (progress: RebuildProgress) => void,
  ) {}

  /** `count` more events are written, up to `position`. */
  advance(count: number, position: number): void {
    this.done += count;
    this.position = Math.max(this.position, position);
    this.report?.(this.snapshot(false));
  }

  /** The final report. */
  finish(): RebuildProgress {
    const last = this.snapshot(true);
    this.report?.(last);
    return last;
  }

  private snapshot(finished: boolean): RebuildProgress {
    const elapsedMs = performance.now() - this.started;
    const rate = elapsedMs > 0 ? (this.done * 1000) / elapsedMs : 0;
    const left = Math.max(0, this.total - this.done);
    const etaMs = finished ? 0 : rate > 0 ? (left / rate) * 1000 : undefined;
    return {
      projection: this.projection,
      done: this.done,
      total: Math.max(this.total, this.done),
      position: this.position,
      elapsedMs,
      eventsPerSecond: rate,
      etaMs,
      finished,
    };
  }
}
