/**
 * The worker thread that exports spans (started by WorkerSpanProcessor): it receives batches of
 * spans already in OTLP protobuf (otlpSpans.ts) from the main thread, wraps up to
 * MAX_EXPORT_BATCH of them in one ExportTraceServiceRequest and sends them, one request at a
 * time, through the official OTLP/HTTP export delegate (@opentelemetry/otlp-exporter-base: its
 * transport, retries, timeouts and OTEL_EXPORTER_OTLP_* headers), as the proto exporter does.
 * No span object is built here: the bytes go out as they came.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { ExportResultCode } from '@opentelemetry/core';
import { convertLegacyHttpOptions, createOtlpHttpExportDelegate } from '@opentelemetry/otlp-exporter-base/node-http';
import type { IExporterMetricsHelper, ISerializer } from '@opentelemetry/otlp-transformer';
import { exportRequest } from './otlpSpans.js';
import type { FromWorker, ToWorker, WorkerSetup } from './WorkerSpanProcessor.js';

const MAX_EXPORT_BATCH = 8192;

/** Spans of one message from the main thread. */
interface Chunk {
  bytes: Uint8Array;
  count: number;
}

const setup = workerData as WorkerSetup;
const port = parentPort!;
/** The memory of the last export's body, written over by the next one (exports go one at a time). */
let body: ArrayBuffer | undefined;
// An export is its chunks; the serializer only adds the envelope around them.
const serializer: ISerializer<Chunk[], unknown> = {
  serializeRequest: (chunks) => {
    const request = exportRequest(
      setup.resource,
      setup.scopeName,
      chunks.map((c) => c.bytes),
      body,
    );
    body = request.buffer as ArrayBuffer;
    return request;
  },
  // the response (partial success) is not read, as the SDK's exporter only logs it
  deserializeResponse: () => ({}),
};
const counter: IExporterMetricsHelper<Chunk[]> = { name: 'span', countItems: (chunks) => chunks.reduce((n, c) => n + c.count, 0) };
const exporter = createOtlpHttpExportDelegate(
  convertLegacyHttpOptions({ url: setup.url }, 'TRACES', 'v1/traces', { 'Content-Type': 'application/x-protobuf' }),
  serializer,
  'otlp_http_span_exporter',
  counter,
  undefined,
);

let queue: Chunk[] = [];
let exporting = false;
/** Flush requests waiting for the queue to be empty. */
const flushes: number[] = [];

function pump(): void {
  if (exporting) return;
  if (queue.length === 0) {
    for (const id of flushes.splice(0)) port.postMessage({ type: 'flushed', id });
    return;
  }
  // whole chunks (each at most the processor's batch size) up to MAX_EXPORT_BATCH spans, at least one
  let spans = queue[0]!.count;
  let n = 1;
  while (n < queue.length && spans + queue[n]!.count <= MAX_EXPORT_BATCH) spans += queue[n++]!.count;
  const batch = queue.slice(0, n);
  queue = queue.slice(n);
  exporting = true;
  exporter.export(batch, (result) => {
    exporting = false;
    // A failed export drops its spans (as the SDK's batch processor does); the count frees room.
    // The chunks' memory goes back to the main thread, which writes its next batches into it.
    const buffers = batch.map((c) => c.bytes.buffer as ArrayBuffer);
    port.postMessage(
      { type: 'done', spans, ok: result.code === ExportResultCode.SUCCESS, error: result.error?.message, buffers } satisfies FromWorker,
      buffers,
    );
    pump();
  });
}

port.on('message', (message: ToWorker) => {
  if (message.type === 'spans') {
    queue.push({ bytes: new Uint8Array(message.buffer, 0, message.length), count: message.count });
  } else if (message.type === 'flush') {
    flushes.push(message.id);
  }
  pump();
});
