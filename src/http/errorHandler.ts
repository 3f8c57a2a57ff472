/**
 * One error handler: TuskErrors become `{"error": {code, message, details?}}` with the
 * catalog status; fastify's own errors (bad URL, body too large, media type, …) map to catalog
 * codes too; anything else is a 500 INTERNAL that is logged but never leaks internals.
 */
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { TuskError, isTuskError, type ErrorCode } from '../errors.js';

type HttpError = { status: number; body: ReturnType<TuskError['toJSON']>; expected: boolean };

// fastify's own codes with a catalog equivalent (the rest of its 4xx are BAD_REQUEST).
const FASTIFY_CODES: Record<string, (fe: Partial<FastifyError>) => TuskError> = {
  FST_ERR_CTP_BODY_TOO_LARGE: () =>
    new TuskError('PAYLOAD_TOO_LARGE', 'the request body is larger than the body limit (server.body_limit)'),
  FST_ERR_CTP_INVALID_MEDIA_TYPE: (fe) =>
    new TuskError('UNSUPPORTED_MEDIA_TYPE', `${fe.message ?? 'unsupported media type'}: bodies must be application/json`),
  FST_ERR_BAD_URL: () => new TuskError('BAD_REQUEST', 'the URL is not valid: a %-escape is malformed or does not decode to UTF-8'),
  FST_ERR_MAX_PARAM_LENGTH: () => new TuskError('ID_TOO_LONG', 'a path segment is longer than the router accepts'),
};

/** The JSON error body for any thrown value, and whether it was expected. */
export function toHttpError(err: unknown): HttpError {
  if (isTuskError(err)) return { status: err.status, body: err.toJSON(), expected: err.status < 500 };
  const fe = err as Partial<FastifyError>;
  const known = typeof fe.code === 'string' ? FASTIFY_CODES[fe.code] : undefined;
  if (known !== undefined) return toHttpError(known(fe));
  if (fe.statusCode === 413) return toHttpError(FASTIFY_CODES.FST_ERR_CTP_BODY_TOO_LARGE!(fe));
  if (typeof fe.statusCode === 'number' && fe.statusCode >= 400 && fe.statusCode < 500) {
    // Empty JSON body, a Content-Length the body does not match, …: the client's fault.
    return toHttpError(new TuskError('BAD_REQUEST', fe.message ?? 'bad request'));
  }
  return { status: 500, body: new TuskError('INTERNAL', 'internal error').toJSON(), expected: false };
}

/**
 * Headers an error answer carries besides its body: a 401 names the scheme (RFC 6750), an
 * error whose details say when to come back (`retry_after`, seconds) has Retry-After.
 */
export function errorHeaders(code: ErrorCode, details?: unknown): Record<string, string> {
  if (code === 'UNAUTHORIZED') return { 'www-authenticate': 'Bearer realm="tusk-es"' };
  const retryAfter = (details as { retry_after?: unknown } | undefined)?.retry_after;
  return typeof retryAfter === 'number' ? { 'retry-after': String(retryAfter) } : {};
}

/** Sends `err` as the catalog envelope (unless an answer is already on its way). */
function sendError(err: unknown, request: FastifyRequest, reply: FastifyReply): void {
  const { status, body, expected } = toHttpError(err);
  if (expected) request.log.info({ code: body.error.code, status }, body.error.message);
  else request.log.error({ err }, 'request failed');
  if (reply.sent || reply.raw.headersSent) return;
  void reply.status(status).headers(errorHeaders(body.error.code, body.error.details)).type('application/json').send(body);
}

/** The `frameworkErrors` option of fastify: errors met while routing, before any hook runs. */
export function frameworkErrors(err: FastifyError, request: FastifyRequest, reply: FastifyReply): void {
  sendError(err, request, reply);
}

/** Installs the error and not-found handlers on `app`. */
export function installErrorHandlers(app: FastifyInstance): void {
  app.setErrorHandler((err: unknown, request: FastifyRequest, reply: FastifyReply) => sendError(err, request, reply));
  app.setNotFoundHandler((request: FastifyRequest, reply: FastifyReply) => {
    void reply.status(404).send(new TuskError('NOT_FOUND', `no route ${request.method} ${request.url.split('?')[0]}`).toJSON());
  });
}
