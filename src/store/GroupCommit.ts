/**
 * Group commit (issue 8): appends that arrive while a batch is being written wait and go
 * together in the next transaction. There is no timer: a lone append is written at once, and
 * batches grow exactly as much as the load makes them wait anyway.
 */
import type { AppendRequest, AppendResult } from './EventStore.js';

interface Pending {
  request: AppendRequest;
  resolve: (result: AppendResult) => void;
  reject: (error: unknown) => void;
}

/** Writes one batch; must settle every pending request it is given. */
export type BatchWriter = (batch: readonly Pending[]) => Promise<void>;
export type { Pending };

/** The queue in front of the database. */
export class GroupCommit {
  private readonly queue: Pending[] = [];
  private active = 0;
  private idle: (() => void)[] = [];

  constructor(
    private readonly write: BatchWriter,
    private readonly maxBatch: number,
    private readonly maxConcurrent: number,
  ) {}

  /** Queues an append; resolves after its batch committed. */
  submit(request: AppendRequest): Promise<AppendResult> {
    return new Promise((resolve, reject) => {
      this.queue.push({ request, resolve, reject });
      this.pump();
    });
  }

  /** Resolves when nothing is queued or being written. */
  drained(): Promise<void> {
    if (this.active === 0 && this.queue.length === 0) return Promise.resolve();
    return new Promise((resolve) => this.idle.push(resolve));
  }

  private pump(): void {
    while (this.active < this.maxConcurrent && this.queue.length > 0) {
      const batch = this.queue.splice(0, this.maxBatch);
      this.active++;
      this.write(batch)
        .catch((err: unknown) => {
          for (const p of batch) p.reject(err);
        })
        .finally(() => {
          this.active--;
          this.pump();
          if (this.active === 0 && this.queue.length === 0) for (const done of this.idle.splice(0)) done();
        });
    }
  }
}
