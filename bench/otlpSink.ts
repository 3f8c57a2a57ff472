/**
 * The OTLP/HTTP sink of the tracing figures, in a process of its own: it answers 200 to every
 * export, counts the spans of its body by walking the protobuf's tags and lengths (no decoding,
 * no allocation) and drops the body. It stands for a collector that runs elsewhere in
 * production, yet shares the 2 cores with the traced server here, so it does as little as a
 * receiver can: in the bench process it had shared the load generator's event loop (each
 * export delayed the clients of the traced runs only); keeping every body until the bench asked
 * for the count made it fault in fresh memory for each export, so bodies are read into buffers
 * it reuses (bench/README.md, tracing).
 * `startSink` forks `node dist/bench/otlpSink.js`.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:http';
import { fileURLToPath } from 'node:url';

/** A running sink. */
export interface OtlpSink {
  url: string;
  /** Spans received so far. */
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

/** A varint of `buf` at `at`: its value and the offset after it. */
function varint(buf: Buffer, at: number): [number, number] {
  let value = 0;
  for (let shift = 1; ; shift *= 128) {
    const b = buf[at++]!;
    value += (b & 0x7f) * shift;
    if (b < 0x80) return [value, at];
  }
}

/**
 * The count of fields `path[depth]` inside the length-delimited fields `path[0..depth-1]` of
 * `buf[from..to)`: with path [1, 2, 2], the spans of an ExportTraceServiceRequest (resource_spans
 * 1, scope_spans 2, spans 2). Other fields are skipped by their wire type.
 */
export function countFields(buf: Buffer, path: readonly number[], from = 0, to = buf.length, depth = 0): number {
  let n = 0;
  for (let at = from; at < to; ) {
    const [tag, afterTag] = varint(buf, at);
    const wire = tag & 7;
    let next: number;
    if (wire === 0) next = varint(buf, afterTag)[1];
    else if (wire === 1) next = afterTag + 8;
    else if (wire === 5) next = afterTag + 4;
    else {
      const [length, start] = varint(buf, afterTag);
      next = start + length;
      if (tag >>> 3 === path[depth]) n += depth === path.length - 1 ? 1 : countFields(buf, path, start, next, depth + 1);
    }
    at = next;
  }
  return n;
}

function main(): void {
  let counted = 0;
  // bodies are read into buffers kept from earlier requests: new memory costs page faults
  const spare: Buffer[] = [];
  const server = createServer((req, res) => {
    let body = spare.pop() ?? Buffer.allocUnsafeSlow(1024 * 1024);
    let length = 0;
    req.on('data', (chunk: Buffer) => {
      if (length + chunk.length > body.length) {
        const bigger = Buffer.allocUnsafeSlow(2 * (length + chunk.length));
        body.copy(bigger, 0, 0, length);
        body = bigger;
      }
      length += chunk.copy(body, length);
    });
    req.on('end', () => {
      counted += countFields(body, [1, 2, 2], 0, length);
      spare.push(body);
      res.writeHead(200, { 'content-type': 'application/x-protobuf' }).end();
    });
  });
  process.on('message', () => {
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
