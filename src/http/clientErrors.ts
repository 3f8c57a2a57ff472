/**
 * fastify's `clientErrorHandler`: Node's HTTP parser refused the request (a bad header such as
 * one with a bare CR, a header block over 16 KB, a request not received in time). No request
 * object exists yet, so the answer is written on the socket, in the catalog envelope.
 */
import { STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import { TuskError } from '../errors.js';

/** The catalog error for a parser or socket error of Node's HTTP server. */
export function clientErrorOf(err: NodeJS.ErrnoException): TuskError {
  if (err.code === 'ERR_HTTP_REQUEST_TIMEOUT') return new TuskError('REQUEST_TIMEOUT', 'the request was not received in time');
  if (err.code === 'HPE_HEADER_OVERFLOW') return new TuskError('HEADERS_TOO_LARGE', 'the request line and headers are larger than 16 KB');
  return new TuskError('BAD_REQUEST', `the request is not well-formed HTTP/1.1 (${err.code ?? 'parse error'})`);
}

/** Answers a request Node's HTTP parser refused, then closes the connection. */
export function clientErrorHandler(err: NodeJS.ErrnoException, socket: Socket): void {
  // A reset connection has nobody left to answer.
  if (err.code === 'ECONNRESET' || socket.destroyed) return;
  const error = clientErrorOf(err);
  const body = JSON.stringify(error.toJSON());
  if (socket.writable) {
    socket.write(
      `HTTP/1.1 ${error.status} ${STATUS_CODES[error.status] ?? 'Error'}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
    );
  }
  socket.destroy(err);
}
