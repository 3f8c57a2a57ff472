/**
 * Checks on the parts of a request every route shares, before its body is read: path
 * segments and the Idempotency-Key are at most `server.id_length_limit` characters (they
 * become index keys, which PostgreSQL caps at a few KB), and no path segment or query value
 * holds text PostgreSQL cannot store (a NUL). Each fault is a precise 400.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { TuskError } from '../errors.js';
import { textFault } from './checkJsonBody.js';

/** Installs the guards on `app`. */
export function installRequestGuards(app: FastifyInstance, idLengthLimit: number): void {
  // eslint-disable-next-line @typescript-eslint/require-await -- fastify answers an async hook's throw with its error; a callback hook would need done(err)
  app.addHook('onRequest', async (request: FastifyRequest) => {
    const params = (request.params ?? {}) as Record<string, unknown>;
    for (const [name, value] of Object.entries(params)) {
      if (typeof value !== 'string') continue;
      checkText(value, `the path segment ${name}`);
      if (value.length > idLengthLimit) throw tooLong(`the path segment ${name}`, value.length, idLengthLimit);
    }
    const query = (request.query ?? {}) as Record<string, unknown>;
    for (const [name, value] of Object.entries(query)) {
      checkText(name, 'a query parameter name');
      for (const v of Array.isArray(value) ? value : [value]) if (typeof v === 'string') checkText(v, `the query parameter ${name}`);
    }
    const key = request.headers['idempotency-key'];
    const keyLength = typeof key === 'string' ? key.trim().length : 0;
    if (keyLength > idLengthLimit) throw tooLong('the Idempotency-Key', keyLength, idLengthLimit);
  });
}

function checkText(text: string, what: string): void {
  const fault = textFault(text);
  if (fault !== undefined) throw new TuskError('INVALID_TEXT', `${what} ${fault}`);
}

function tooLong(what: string, length: number, max: number): TuskError {
  return new TuskError('ID_TOO_LONG', `${what} has ${length} characters, more than server.id_length_limit (${max})`, {
    details: { length, max },
  });
}
