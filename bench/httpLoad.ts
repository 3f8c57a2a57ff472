/**
 * A small closed-loop HTTP/1.1 load generator, in the manner of autocannon: each client owns
 * one keep-alive TCP connection, writes a request, and writes the next one when the answer
 * has fully arrived. Requests are written as raw bytes and answers are only framed (status
 * line and Content-Length), so the generator spends little CPU: on a 2-core machine, every
 * cycle it spends is a cycle the server and PostgreSQL do not get. Optionally paced to a
 * fixed total rate, for latency at a given load.
 */
import { connect, type Socket } from 'node:net';

/** One request a client sends: POST with a JSON body. */
export interface LoadRequest {
  path: string;
  body: string;
  /** Extra header lines, each ending in CRLF (e.g. `authorization: Bearer …\r\n`), built once by the caller. */
  headers?: string;
}

/** What a load run measured. */
export interface LoadResult {
  /** Completed requests per second. */
  rate: number;
  /** Requests answered with a status other than `expect`. */
  errors: number;
  /** Every latency in ms, sorted. */
  latencies: number[];
  statuses: Map<number, number>;
}

/** The value at quantile q (0..1) of sorted `xs`. */
export function quantile(xs: readonly number[], q: number): number {
  return xs.length === 0 ? NaN : xs[Math.min(xs.length - 1, Math.floor(q * xs.length))]!;
}

const CRLF2 = Buffer.from('\r\n\r\n');

/** One keep-alive connection that sends a request and resolves to the status of its answer. */
class Connection {
  private buffer: Buffer = Buffer.alloc(0);
  private waiting: { resolve: (status: number) => void; reject: (err: Error) => void } | undefined;

  private constructor(
    private readonly socket: Socket,
    private readonly host: string,
  ) {
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => {
      this.buffer = this.buffer.length === 0 ? chunk : Buffer.concat([this.buffer, chunk]);
      this.frame();
    });
    const fail = (err: Error) => {
      this.waiting?.reject(err);
      this.waiting = undefined;
    };
    socket.on('error', fail);
    socket.on('close', () => fail(new Error('connection closed')));
  }

  static open(url: URL): Promise<Connection> {
    return new Promise((resolve, reject) => {
      const socket = connect({ host: url.hostname, port: Number(url.port) }, () => resolve(new Connection(socket, url.host)));
      socket.once('error', reject);
    });
  }

  post(path: string, body: string, headers = ''): Promise<number> {
    return new Promise((resolve, reject) => {
      this.waiting = { resolve, reject };
      this.socket.write(
        `POST ${path} HTTP/1.1\r\nHost: ${this.host}\r\n${headers}Content-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
      );
    });
  }

  /** Resolves the waiting request once its head and Content-Length bytes of body are in. */
  private frame(): void {
    const headEnd = this.buffer.indexOf(CRLF2);
    if (headEnd < 0 || this.waiting === undefined) return;
    const head = this.buffer.toString('latin1', 0, headEnd);
    const length = /\r\ncontent-length: *(\d+)/i.exec(head);
    if (length === null) {
      this.waiting.reject(new Error(`an answer without Content-Length:\n${head}`));
      this.waiting = undefined;
      return;
    }
    const end = headEnd + 4 + Number(length[1]);
    if (this.buffer.length < end) return;
    this.buffer = this.buffer.subarray(end);
    const waiting = this.waiting;
    this.waiting = undefined;
    waiting.resolve(Number(head.slice(9, 12)));
  }

  close(): void {
    this.socket.destroy();
  }
}

/**
 * Runs `clients` loops for `seconds`; client c sends `next(c, i)`. With `ratePerSecond`,
 * requests start on a fixed schedule (spread over the clients), so latency is measured at
 * that load rather than at saturation.
 */
export async function runLoad(
  baseUrl: string,
  clients: number,
  seconds: number,
  next: (client: number, i: number) => LoadRequest,
  options: { expect?: number; ratePerSecond?: number } = {},
): Promise<LoadResult> {
  const url = new URL(baseUrl);
  const connections = await Promise.all(Array.from({ length: clients }, () => Connection.open(url)));
  const latencies: number[] = [];
  const statuses = new Map<number, number>();
  let errors = 0;
  const start = performance.now();
  const end = start + seconds * 1000;
  const interval = options.ratePerSecond === undefined ? 0 : (1000 * clients) / options.ratePerSecond;
  try {
    await Promise.all(
      connections.map(async (connection, client) => {
        // Paced clients start spread over one interval, so the total rate is even.
        let due = start + (interval * client) / clients;
        for (let i = 0; ; i++) {
          // Paced: latency counts from when the request was due, so a server that falls
          // behind is not flattered by requests that start late (coordinated omission).
          let sent = performance.now();
          if (interval > 0) {
            if (due > sent) await new Promise((r) => setTimeout(r, due - sent));
            sent = due;
            due += interval;
          }
          if (performance.now() >= end) return;
          const { path, body, headers } = next(client, i);
          const status = await connection.post(path, body, headers);
          latencies.push(performance.now() - sent);
          statuses.set(status, (statuses.get(status) ?? 0) + 1);
          if (status !== (options.expect ?? 200)) errors++;
        }
      }),
    );
  } finally {
    for (const c of connections) c.close();
  }
  const elapsed = (performance.now() - start) / 1000;
  latencies.sort((a, b) => a - b);
  return { rate: latencies.length / elapsed, errors, latencies, statuses };
}

/** `result`, or an error naming `what` when any request was answered with another status. */
export function checked(result: LoadResult, what: string): LoadResult {
  if (result.errors > 0) throw new Error(`${what}: ${result.errors} commands failed (${JSON.stringify([...result.statuses])})`);
  return result;
}
