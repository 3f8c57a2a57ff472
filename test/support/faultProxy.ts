/**
 * A TCP proxy between tusk-es and PostgreSQL that can lose a commit's answer: armed with a
 * marker, it lets the first client message that carries the marker through (an append's bound
 * parameters hold the command's data), lets the server run it to the end, and when the server
 * then says it is idle again (ReadyForQuery 'I': the statement, or the transaction around it,
 * has committed) it drops that connection instead of passing the answer on. The client sees
 * a connection lost during COMMIT: the outcome is unknown to it, but the commit happened.
 */
import { createServer, connect, type Server, type Socket } from 'node:net';
import { reservePort } from './ports.js';

/** A running fault proxy. */
export interface FaultProxy {
  port: number;
  /** Drops the connection that next commits a statement carrying `marker`, after the commit. */
  dropCommitOf(marker: string): void;
  /** How many commits it has dropped. */
  readonly dropped: number;
  close(): Promise<void>;
}

/** Starts a proxy on a reserved loopback port to PostgreSQL at `target`. */
export async function startFaultProxy(target: { host: string; port: number }): Promise<FaultProxy> {
  const reservation = await reservePort();
  let marker: Buffer | undefined;
  let dropped = 0;
  const sockets = new Set<Socket>();
  const server: Server = createServer((client) => {
    const upstream = connect(target.port, target.host);
    sockets.add(client).add(upstream);
    let doomed = false;
    let tail = Buffer.alloc(0);
    let pending = Buffer.alloc(0);
    let cycle: Buffer[] = [];
    const kill = () => {
      client.destroy();
      upstream.destroy();
    };
    client.on('data', (chunk: Buffer) => {
      if (marker !== undefined && !doomed) {
        // the marker may straddle two chunks
        const window = Buffer.concat([tail, chunk]);
        if (window.includes(marker)) {
          doomed = true;
          marker = undefined;
        }
        tail = window.subarray(Math.max(0, window.length - 256));
      }
      upstream.write(chunk);
    });
    upstream.on('data', (chunk: Buffer) => {
      // Server messages: type (1 byte), length (4, counting itself), body. Held back per
      // response cycle (up to ReadyForQuery), so a doomed cycle reaches the client not at all.
      pending = Buffer.concat([pending, chunk]);
      while (pending.length >= 5) {
        const size = 1 + pending.readInt32BE(1);
        if (pending.length < size) break;
        const message = pending.subarray(0, size);
        pending = pending.subarray(size);
        cycle.push(message);
        if (message[0] !== 0x5a) continue; // 'Z'
        const idle = message[5] === 0x49; // 'I': no transaction open any more
        if (doomed && idle) {
          dropped++;
          kill();
          return;
        }
        client.write(Buffer.concat(cycle));
        cycle = [];
      }
    });
    for (const s of [client, upstream]) {
      s.on('error', kill);
      s.on('close', () => {
        sockets.delete(s);
        kill();
      });
    }
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(reservation.port, '127.0.0.1', resolve);
  });
  return {
    port: reservation.port,
    dropCommitOf(text: string) {
      marker = Buffer.from(text, 'utf8');
    },
    get dropped() {
      return dropped;
    },
    async close() {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      reservation.release();
    },
  };
}
