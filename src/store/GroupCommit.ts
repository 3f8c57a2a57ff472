/**
 * Group commit (issue 8): appends wait in a queue and go to the database together. There is
 * no timer: a lone append is written at once, and everything that arrives while a batch is
 * being written goes into the next one, so batches grow exactly as much as the load makes
 * appends wait anyway. A writer decides when it takes its batch (`take`): a one-statement
 * batch takes it at once, a transaction takes it only once it holds the append lock, so it also
 * gets what queued while it waited for the lock (see SqlEventStore.writeBatch).
 */
import type { AppendRequest, AppendResult } from './EventStore.js';

interface Pending {
  request: AppendRequest;
  /** The tenant the append was made for (conjoined stores): a batch holds one tenant's appends. */
  tenant?: string | undefined;
  resolve: (result: AppendResult) => void;
  reject: (error: unknown) => void;
}

/**
 * Writes one batch: calls `take` once, when it is ready to write (it may return nothing), and
 * must settle every pending request `take` returned. Requests it never took stay queued.
 */
export type BatchWriter = (take: () => readonly Pending[]) => Promise<void>;
export type { Pending };

/** The queue in front of the database. */
export class GroupCommit {
  private readonly queue: Pending[] = [];
  private active = 0;
  /** Writers started that have not taken their batch yet. */
  private waiting = 0;
  private idle: (() => void)[] = [];

  constructor(
    private readonly write: BatchWriter,
    private readonly maxBatch: number,
    private readonly maxConcurrent: number,
  ) {}

  /** Queues an append; resolves after its batch committed. */
  submit(request: AppendRequest, tenant?: string): Promise<AppendResult> {
    return new Promise((resolve, reject) => {
      this.queue.push({ request, tenant, resolve, reject });
      this.pump();
    });
  }

  /** Resolves when nothing is queued or being written. */
  drained(): Promise<void> {
    if (this.active === 0 && this.queue.length === 0) return Promise.resolve();
    return new Promise((resolve) => this.idle.push(resolve));
  }

  private pump(): void {
    // No writer is started for appends that a writer still waiting for the lock will take.
    while (this.active < this.maxConcurrent && this.queue.length > this.waiting * this.maxBatch) this.startWriter();
  }

  /**
   * The next batch: the head of the queue, up to maxBatch appends of the first one's tenant (a
   * transaction has one tenant setting: see src/store/tenantScopedClient.ts). The others keep
   * their order for the next batch.
   */
  private takeBatch(): Pending[] {
    const tenant = this.queue[0]?.tenant;
    if (tenant === undefined || this.queue.every((p) => p.tenant === tenant)) return this.queue.splice(0, this.maxBatch);
    const batch: Pending[] = [];
    const rest: Pending[] = [];
    for (const p of this.queue) (p.tenant === tenant && batch.length < this.maxBatch ? batch : rest).push(p);
    this.queue.splice(0, this.queue.length, ...rest);
    return batch;
  }

  private startWriter(): void {
    let taken: readonly Pending[] = [];
    let took = false;
    const take = (): readonly Pending[] => {
      if (took) return taken;
      took = true;
      this.waiting--;
      taken = this.takeBatch();
      return taken;
    };
    this.active++;
    this.waiting++;
    this.write(take)
      .catch((err: unknown) => {
        for (const p of taken) p.reject(err);
      })
      .finally(() => {
        if (!took) this.waiting--;
        this.active--;
        this.pump();
        if (this.active === 0 && this.queue.length === 0) for (const done of this.idle.splice(0)) done();
      });
  }
}
