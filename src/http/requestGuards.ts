/**
 * Checks on the parts of a request every route shares, before its body is read: path
 * segments are at most `server.id_length_limit` characters (they become index keys, which
 * PostgreSQL caps at a few KB), and no path segment or query value holds text PostgreSQL
 * cannot store (a NUL). The Idempotency-Key (an index key, and the saga step keys sent on as a
 * header), X-Correlation-Id and X-Causation-Id (every event's metadata, logs and publishers'
 * headers) are as long as an id at most, visible ASCII only (an RFC 9110 token or opaque
 * string has no space or control character). Each fault is a precise 400.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { TuskError } from '../errors.js';
import { textFault } from './checkJsonBody.js';

/** Installs the guards on `app`. */
export function installRequestGuards(app: FastifyInstance, idLengthLimit: number): void {
  // A callback hook (every request runs it): no promise and no extra microtask per request.
  app.addHook('onRequest', (request: FastifyRequest, _reply, done) => {
    try {
      checkRequest(request, idLengthLimit);
    } catch (err) {
      return done(err as Error);
    }
    done();
  });
}

function checkRequest(request: FastifyRequest, idLengthLimit: number): void {
  const params = (request.params ?? {}) as Record<string, unknown>;
  for (const name in params) {
    const value = params[name];
    if (typeof value !== 'string') continue;
    checkText(value, `the path segment ${name}`);
    if (value.length > idLengthLimit) throw tooLong(`the path segment ${name}`, value.length, idLengthLimit);
  }
  const query = (request.query ?? {}) as Record<string, unknown>;
  for (const name in query) {
    const value = query[name];
    checkText(name, 'a query parameter name');
    for (const v of Array.isArray(value) ? value : [value]) if (typeof v === 'string') checkText(v, `the query parameter ${name}`);
  }
  for (const header of ID_HEADERS) checkIdHeader(request.headers[header.name], header.title, idLengthLimit);
}

/** The request headers whose value is stored as an id (an index key, the events' metadata). */
const ID_HEADERS = ['Idempotency-Key', 'X-Correlation-Id', 'X-Causation-Id'].map((title) => ({ title, name: title.toLowerCase() }));

/** An id header: trimmed, at most `max` characters of visible ASCII (`!` to `~`). */
function checkIdHeader(value: string | string[] | undefined, header: string, max: number): void {
  if (value === undefined) return;
  // a repeated header is refused here too: Node joins the copies with ", ", and a space is not allowed
  const text = (Array.isArray(value) ? value.join(', ') : value).trim();
  if (text.length > max) throw tooLong(`the ${header}`, text.length, max, header);
  const bad = /[^\x21-\x7e]/.exec(text);
  if (bad !== null)
    throw new TuskError(
      'BAD_REQUEST',
      `the ${header} header may hold only visible ASCII characters (no spaces); it has ${JSON.stringify(bad[0])} at character ${bad.index + 1}`,
      { details: { header, index: bad.index } },
    );
}

function checkText(text: string, what: string): void {
  const fault = textFault(text);
  if (fault !== undefined) throw new TuskError('INVALID_TEXT', `${what} ${fault}`);
}

function tooLong(what: string, length: number, max: number, header?: string): TuskError {
  return new TuskError('ID_TOO_LONG', `${what} has ${length} characters, more than server.id_length_limit (${max})`, {
    details: { ...(header === undefined ? {} : { header }), length, max },
  });
}
