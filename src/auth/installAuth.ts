/**
 * The auth hook: every route but /health and the admin page's static files needs
 * `Authorization: Bearer <token>` when `server.auth` is configured, and every request gets
 * `request.principal` (src/auth/principal.ts).
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { TuskError } from '../errors.js';
import type { ServerConfig } from '../config/schema/server.js';
import { ANONYMOUS_PRINCIPAL, STATIC_PRINCIPAL, type Principal } from './principal.js';
import { staticTokenMatcher } from './staticTokens.js';

// The admin page's static files hold no data; the page sends the token on its API calls.
const OPEN_ROUTES = new Set(['/health', '/admin', '/admin/', '/admin/auth']);
const OPEN_PREFIXES = ['/admin/assets/'];

/** True when `path` is served without a token. */
export function isOpenRoute(path: string): boolean {
  return OPEN_ROUTES.has(path) || OPEN_PREFIXES.some((p) => path.startsWith(p));
}

/** Decorates requests with `principal` and, when `auth` has tokens, adds the bearer-token check. */
export function installAuth(app: FastifyInstance, auth: ServerConfig['auth']): void {
  // null first, so every request object has the same shape; the hook sets the real one.
  app.decorateRequest('principal', null as unknown as Principal);
  const tokens = auth?.tokens ?? [];
  if (tokens.length === 0) {
    app.addHook('onRequest', (request, _reply, done) => {
      request.principal = STATIC_PRINCIPAL;
      done();
    });
    return;
  }
  const matches = staticTokenMatcher(tokens);
  // eslint-disable-next-line @typescript-eslint/require-await -- fastify answers an async hook's throw with its error; a callback hook would need done(err)
  app.addHook('onRequest', async (request: FastifyRequest) => {
    const path = request.url.split('?')[0]!;
    if (isOpenRoute(path)) {
      request.principal = ANONYMOUS_PRINCIPAL;
      return;
    }
    const token = bearerToken(request);
    if (!matches(token)) throw new TuskError('UNAUTHORIZED', 'invalid bearer token');
    request.principal = STATIC_PRINCIPAL;
  });
}

/** The token of `Authorization: Bearer <token>`, or 401. */
export function bearerToken(request: FastifyRequest): string {
  const header = request.headers.authorization;
  const match = typeof header === 'string' ? /^Bearer\s+(\S+)\s*$/i.exec(header) : null;
  if (match === null) throw new TuskError('UNAUTHORIZED', 'missing bearer token');
  return match[1]!;
}
