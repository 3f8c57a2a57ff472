/**
 * `server.auth.tokens`: every route but /health and the admin page's static files needs `Authorization: Bearer <token>`.
 * Tokens are compared in constant time (through equal-length hashes).
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { TuskError } from '../errors.js';

// The admin page's static files hold no data; the page sends the token on its API calls.
const OPEN_ROUTES = new Set(['/health', '/admin', '/admin/', '/admin/auth']);
const OPEN_PREFIXES = ['/admin/assets/'];

/** Adds the bearer-token check when `tokens` is non-empty. */
export function installAuth(app: FastifyInstance, tokens: readonly string[] | undefined): void {
  if (tokens === undefined || tokens.length === 0) return;
  const digests = tokens.map(digest);
  // eslint-disable-next-line @typescript-eslint/require-await -- fastify answers an async hook's throw with its error; a callback hook would need done(err)
  app.addHook('onRequest', async (request: FastifyRequest) => {
    const path = request.url.split('?')[0]!;
    if (OPEN_ROUTES.has(path) || OPEN_PREFIXES.some((p) => path.startsWith(p))) return;
    const header = request.headers.authorization;
    const match = typeof header === 'string' ? /^Bearer\s+(\S+)\s*$/i.exec(header) : null;
    if (match === null) throw new TuskError('UNAUTHORIZED', 'missing bearer token');
    const given = digest(match[1]!);
    // Compare against every token so the time does not depend on which one matched.
    let ok = false;
    for (const d of digests) ok = timingSafeEqual(d, given) || ok;
    if (!ok) throw new TuskError('UNAUTHORIZED', 'invalid bearer token');
  });
}

function digest(token: string): Buffer {
  return createHash('sha256').update(token).digest();
}
