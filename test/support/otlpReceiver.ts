/**
 * An OTLP/HTTP trace receiver for tests: accepts `POST /v1/traces` in the protobuf encoding (what
 * tusk-es's exporter sends) and keeps every span, flattened.
 */
import { createServer, type Server } from 'node:http';
import { decodeTraces } from './otlpProtobuf.js';
import { reservePort } from './ports.js';

/** One received span; ids in hex, attributes as plain values. */
export interface ReceivedSpan {
  traceId: string;
  spanId: string;
  parentSpanId: string | undefined;
  name: string;
  kind: number;
  service: string | undefined;
  attributes: Record<string, unknown>;
  events: { name: string; attributes: Record<string, unknown> }[];
  links: { traceId: string; spanId: string }[];
  status: { code?: number; message?: string };
}

/** A running receiver. */
export interface OtlpReceiver {
  /** Base URL, as `telemetry.otlp_endpoint` takes it. */
  url: string;
  spans: ReceivedSpan[];
  /** Content types of the export requests (the exporter's encoding). */
  contentTypes: string[];
  close(): Promise<void>;
}

/** Starts a receiver on a reserved loopback port. */
export async function startOtlpReceiver(): Promise<OtlpReceiver> {
  const reservation = await reservePort();
  const spans: ReceivedSpan[] = [];
  const contentTypes: string[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      if (req.method !== 'POST' || req.url !== '/v1/traces') return void res.writeHead(404).end();
      const contentType = req.headers['content-type'] ?? '';
      contentTypes.push(contentType);
      const body = Buffer.concat(chunks);
      if (contentType !== 'application/x-protobuf') return void res.writeHead(415).end();
      for (const { service, span } of decodeTraces(body)) spans.push({ ...span, parentSpanId: span.parentSpanId || undefined, service });
      // an empty ExportTraceServiceResponse: everything accepted
      res.writeHead(200, { 'content-type': 'application/x-protobuf' }).end();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(reservation.port, '127.0.0.1', () => resolve());
  });
  return {
    url: `http://127.0.0.1:${reservation.port}`,
    spans,
    contentTypes,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      reservation.release();
    },
  };
}
