/**
 * The worker thread that exports spans (started by WorkerSpanProcessor): it receives binary
 * batches of spans (spanBatch.ts) from the main thread and sends them, in batches of up to
 * MAX_EXPORT_BATCH, one request at a time, through the official OTLP/HTTP protobuf exporter. Encoding spans costs
 * more CPU than recording them; here it does not hold up the thread that serves requests.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { ExportResultCode } from '@opentelemetry/core';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { resourceFromAttributes } from '@opentelemetry/resources';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { readSpanBatch } from './spanBatch.js';
import type { ToWorker, WorkerSetup } from './WorkerSpanProcessor.js';

const MAX_EXPORT_BATCH = 2048;

const setup = workerData as WorkerSetup;
const port = parentPort!;
const exporter = new OTLPTraceExporter({ url: setup.url });
const resource = resourceFromAttributes({ 'service.name': setup.serviceName });
const scope = { name: setup.scopeName };

let queue: ReadableSpan[] = [];
let exporting = false;
/** Flush requests waiting for the queue to be empty. */
const flushes: number[] = [];

function pump(): void {
  if (exporting) return;
  if (queue.length === 0) {
    for (const id of flushes.splice(0)) port.postMessage({ type: 'flushed', id });
    return;
  }
  const batch = queue.length <= MAX_EXPORT_BATCH ? queue : queue.slice(0, MAX_EXPORT_BATCH);
  queue = queue.length <= MAX_EXPORT_BATCH ? [] : queue.slice(MAX_EXPORT_BATCH);
  exporting = true;
  exporter.export(batch, (result) => {
    exporting = false;
    // A failed export drops its spans (as the SDK's batch processor does); the count frees room.
    port.postMessage({ type: 'done', spans: batch.length, ok: result.code === ExportResultCode.SUCCESS, error: result.error?.message });
    pump();
  });
}

port.on('message', (message: ToWorker) => {
  if (message.type === 'spans') {
    for (const span of readSpanBatch(message.buffer, message.length, resource, scope)) queue.push(span);
  } else if (message.type === 'flush') {
    flushes.push(message.id);
  }
  pump();
});
