/**
 * A span processor that hands finished spans to a worker thread (exportWorker.ts) for OTLP
 * export, in place of the SDK's BatchSpanProcessor on the main thread: the main thread only
 * writes each span, as it ends, in OTLP protobuf into a batch (otlpSpans.ts) and transfers the
 * batch's memory to the worker, so the HTTP requests of the export run beside the requests it
 * serves, not between them (issue 19: tracing every command costs at most 15 % of http_64). Like the batch processor, it holds at most
 * `maxQueueSize` spans not yet exported and drops the rest.
 */
import { existsSync } from 'node:fs';
import { Worker } from 'node:worker_threads';
import { diag, type Attributes } from '@opentelemetry/api';
import { OtlpSpanWriter, type WritableSpan } from './otlpSpans.js';

/** What the worker is started with. */
export interface WorkerSetup {
  /** The OTLP/HTTP traces URL. */
  url: string;
  /** The resource's attributes (service.name, …). */
  resource: Attributes;
  scopeName: string;
}

/** Messages to the worker. */
export type ToWorker = { type: 'spans'; buffer: ArrayBuffer; length: number; count: number } | { type: 'flush'; id: number };
/**
 * Messages from the worker: an export finished (with its batches' memory, handed back to be
 * written again), or everything sent before flush `id` is exported.
 */
export type FromWorker =
  | { type: 'done'; spans: number; ok: boolean; error?: string | undefined; buffers: ArrayBuffer[] }
  | { type: 'flushed'; id: number };

/** Batch buffers kept for reuse, at most: a batch's memory is its spans', a few MB. */
const MAX_SPARE = 4;

const compiled = new URL('./exportWorker.js', import.meta.url);
// Beside this module when tsc compiled it (dist/src/telemetry). Otherwise this module is the
// TypeScript source under vitest (src/telemetry; npm test builds first) or a chunk of the CLI
// bundle (dist/cli): both two levels below the package root, like the compiled worker.
const WORKER_URL = existsSync(compiled) ? compiled : new URL('../../dist/src/telemetry/exportWorker.js', import.meta.url);

/** Sizes and delays of the hand-over. */
export interface HandOver {
  /** Spans not yet exported (buffered, posted, exporting) beyond which new spans are dropped. */
  maxQueueSize: number;
  /** Spans per message to the worker. */
  batchSize: number;
  /** The longest a finished span waits before it is posted. */
  delayMs: number;
}

/** Exports spans through a worker thread. */
export class WorkerSpanProcessor {
  private readonly worker: Worker;
  private readonly batch = new OtlpSpanWriter(2 * 1024 * 1024);
  /** Spans posted to the worker and not yet exported. */
  private posted = 0;
  private dropped = 0;
  private timer: NodeJS.Timeout | undefined;
  private failed: Error | undefined;
  private nextFlush = 0;
  private readonly flushes = new Map<number, () => void>();
  /** Batch buffers back from the worker, written again before new memory is taken. */
  private readonly spare: ArrayBuffer[] = [];

  constructor(
    setup: WorkerSetup,
    private readonly handOver: HandOver,
  ) {
    this.worker = new Worker(WORKER_URL, { workerData: setup });
    // An idle exporter does not keep the process alive; a flush does (see forceFlush).
    this.worker.unref();
    this.worker.on('message', (message: FromWorker) => {
      if (message.type === 'done') {
        this.posted -= message.spans;
        for (const buffer of message.buffers) if (this.spare.length < MAX_SPARE) this.spare.push(buffer);
        if (!message.ok) diag.warn(`OTLP export of ${message.spans} spans failed: ${message.error ?? 'unknown error'}`);
      } else {
        this.flushes.get(message.id)?.();
      }
    });
    this.worker.on('error', (err) => {
      this.failed = err;
      diag.error(`the span export worker failed, spans are no longer exported: ${err.message}`);
      for (const done of this.flushes.values()) done();
    });
  }

  /** Takes a sampled span that has ended: written into the batch now, posted with it. */
  onEnd(span: WritableSpan): void {
    if (this.failed !== undefined) return;
    if (this.posted + this.batch.count >= this.handOver.maxQueueSize) {
      if (this.dropped++ === 0) diag.warn('the span export queue is full, dropping spans');
      return;
    }
    this.batch.write(span);
    if (this.batch.count >= this.handOver.batchSize) this.post();
    else this.timer ??= setTimeout(() => this.post(), this.handOver.delayMs).unref();
  }

  /** Resolves when every span that ended before the call is exported (or its export failed). */
  forceFlush(): Promise<void> {
    this.post();
    if (this.failed !== undefined) return Promise.resolve();
    const id = this.nextFlush++;
    this.worker.ref();
    return new Promise<void>((resolve) => {
      this.flushes.set(id, resolve);
      this.worker.postMessage({ type: 'flush', id } satisfies ToWorker);
    }).finally(() => {
      this.flushes.delete(id);
      if (this.flushes.size === 0) this.worker.unref();
    });
  }

  async shutdown(): Promise<void> {
    await this.forceFlush();
    await this.worker.terminate();
  }

  private post(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    if (this.batch.count === 0 || this.failed !== undefined) return;
    const { buffer, length, count } = this.batch.take(this.spare.pop());
    this.posted += count;
    // transferred: the worker takes the memory over, nothing is copied
    this.worker.postMessage({ type: 'spans', buffer, length, count } satisfies ToWorker, [buffer]);
  }
}
