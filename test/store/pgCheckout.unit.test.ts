/**
 * A connection that dies in the very read that made it ready (a failover: the server's
 * backend answered ReadyForQuery, then its postmaster died and it sent FATAL 57P01) must fail
 * the transaction that checked it out, not end the process with an unheard 'error' event.
 * No PostgreSQL can be made to put both messages in one TCP read on demand, so a socket that
 * speaks the few protocol messages involved stands in for it.
 */
import { createServer, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPgClient } from '../../src/store/pgClient.js';
import { isConnectionError } from '../../src/store/SqlClient.js';

function message(type: string, body: Buffer): Buffer {
  const head = Buffer.alloc(5);
  head.write(type, 0, 'latin1');
  head.writeInt32BE(body.length + 4, 1);
  return Buffer.concat([head, body]);
}

/** AuthenticationOk, ReadyForQuery and a FATAL ErrorResponse, in one write. */
const readyThenFatal = Buffer.concat([
  message('R', Buffer.from([0, 0, 0, 0])),
  message('Z', Buffer.from('I', 'latin1')),
  message('E', Buffer.from('SFATAL\0VFATAL\0C57P01\0Mterminating connection due to unexpected postmaster exit\0\0', 'latin1')),
]);

describe('a pool client whose server dies in the read that made it ready', () => {
  let server: Server;
  const sockets = new Set<Socket>();
  let port = 0;

  beforeAll(async () => {
    server = createServer((socket) => {
      sockets.add(socket);
      socket.on('error', () => undefined);
      // the first bytes are the startup message; answer it all at once and hang up
      socket.once('data', () => socket.end(readyThenFatal));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
  });

  afterAll(async () => {
    for (const s of sockets) s.destroy();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  // Without the listener in place, vitest reports the FATAL as an unhandled error and the run fails.
  it('fails the transaction with a connection error (a 503), and the process lives on', async () => {
    const client = createPgClient({ host: '127.0.0.1', port, user: 'tusk', database: 'tusk', poolSize: 1 });
    try {
      for (let i = 0; i < 3; i++) {
        const err = await client
          .transaction(() => Promise.resolve(1))
          .then(
            () => undefined,
            (e: unknown) => e,
          );
        expect(isConnectionError(err), String(err)).toBe(true);
      }
    } finally {
      await client.close();
    }
  });
});
