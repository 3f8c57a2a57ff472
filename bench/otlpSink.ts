/**
 * The OTLP/HTTP sink of the tracing figures, in a process of its own: it answers 200 to every
 * export and keeps the bodies; the spans in them are counted only when the bench asks, between
 * timed runs. In the bench process it had shared the load generator's event loop (each export
 * delayed the clients of the traced runs only) and counted spans during the timed runs, on the
 * same 2 cores as the server: costs of a collector, not of tracing in the server.
 * `startSink` forks `node dist/bench/otlpSink.js`.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:http';
import { fileURLToPath } from 'node:url';
import { countSpans } from '../test/support/otlpProtobuf.js';

/** A running sink. */
export interface OtlpSink {
  url: string;
  /** Spans received so far (counted now, from the kept bodies). */
  spans(): Promise<number>;
  close(): Promise<void>;
}

type FromSink = { type: 'listening'; port: number } | { type: 'spans'; spans: number };

/** Forks the sink and waits until it listens. */
export async function startSink(): Promise<OtlpSink> {
  const child: ChildProcess = fork(fileURLToPath(import.meta.url), ['--sink'], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const next = () =>
    new Promise<FromSink>((resolve, reject) => {
      child.once('message', (m) => resolve(m as FromSink));
      child.once('exit', (code) => reject(new Error(`the OTLP sink exited (${code})`)));
    });
  const listening = await next();
  if (listening.type !== 'listening') throw new Error('the OTLP sink did not start');
  return {
    url: `http://127.0.0.1:${listening.port}`,
    spans: async () => {
      const answer = next();
      child.send('count');
      return ((await answer) as { spans: number }).spans;
    },
    close: async () => {
      const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      child.kill('SIGTERM');
      await exited;
    },
  };
}

function main(): void {
  let counted = 0;
  let bodies: Buffer[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      bodies.push(Buffer.concat(chunks));
      res.writeHead(200, { 'content-type': 'application/x-protobuf' }).end();
    });
  });
  process.on('message', () => {
    for (const body of bodies) counted += countSpans(body);
    bodies = [];
    process.send!({ type: 'spans', spans: counted } satisfies FromSink);
  });
  process.on('SIGTERM', () => {
    server.closeAllConnections();
    server.close(() => process.exit(0));
  });
  server.listen(0, '127.0.0.1', () => {
    process.send!({ type: 'listening', port: (server.address() as { port: number }).port } satisfies FromSink);
  });
}

if (process.argv[2] === '--sink' && process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) main();
