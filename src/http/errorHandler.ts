/**
 * One error handler: TuskErrors become `{"error": {code, message, details?}}` with the
 * catalog status; fastify's own errors map to BAD_REQUEST / PAYLOAD_TOO_LARGE; anything else
 * is a 500 INTERNAL that is logged but never leaks internals to the client.
 */
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { TuskError, isTuskError } from '../errors.js';

/** The JSON error body for any thrown value, and whether it was expected. */
export function toHttpError(err: unknown): { status: number; body: ReturnType<TuskError['toJSON']>; expected: boolean } {
  if (isTuskError(err)) return { status: err.status, body: err.toJSON(), expected: err.status < 500 };
  const fe = err as Partial<FastifyError>;
  if (fe.code === 'FST_ERR_CTP_BODY_TOO_LARGE' || fe.statusCode === 413) {
    return { status: 413, body: new TuskError('PAYLOAD_TOO_LARGE', 'the request body is larger than the body limit').toJSON(), expected: true };
  }
  if (typeof fe.statusCode === 'number' && fe.statusCode >= 400 && fe.statusCode < 500) {
    // Bad JSON, empty JSON body, unsupported media type, schema validation: the client's fault.
    return { status: 400, body: new TuskError('BAD_REQUEST', fe.message ?? 'bad request').toJSON(), expected: true };
  }
  return { status: 500, body: new TuskError('INTERNAL', 'internal error').toJSON(), expected: false };
}

/** Installs the error and not-found handlers on `app`. */
export function installErrorHandlers(app: FastifyInstance): void {
  app.setErrorHandler((err: unknown, request: FastifyRequest, reply: FastifyReply) => {
    const { status, body, expected } = toHttpError(err);
    if (expected) request.log.info({ code: body.error.code, status }, body.error.message);
    else request.log.error({ err }, 'request failed');
    if (reply.sent || reply.raw.headersSent) return;
    void reply.status(status).type('application/json').send(body);
  });
  app.setNotFoundHandler((request: FastifyRequest, reply: FastifyReply) => {
    void reply.status(404).send(new TuskError('NOT_FOUND', `no route ${request.method} ${request.url.split('?')[0]}`).toJSON());
  });
}
