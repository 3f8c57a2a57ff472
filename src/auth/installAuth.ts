/**
 * The auth hook: with `server.auth` configured, every route but /health and the admin page's
 * static files needs `Authorization: Bearer <token>` (a static token or a JWT) and the scope
 * the route needs (src/auth/routeScopes.ts). Every request gets `request.principal`
 * (src/auth/principal.ts); every refusal is counted in `tusk_auth_denied_total`.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { Counter } from 'prom-client';
import type { AuthConfig } from '../config/schema/auth.js';
import { isTuskError, type ErrorCode } from '../errors.js';
import type { Runtime } from '../runtime/Runtime.js';
import { AuthDenied, unauthorized } from './denial.js';
import { jwtVerifier } from './jwt.js';
import { ANONYMOUS_PRINCIPAL, STATIC_PRINCIPAL, type Principal } from './principal.js';
import { requiredScope, scopeLabel } from './routeScopes.js';
import { scopeAllows } from './scopes.js';
import { staticTokenMatcher } from './staticTokens.js';
import { installTenantAdmission } from './tenantAdmission.js';

// The tenant registry's refusals, as reasons of tusk_auth_denied_total.
const TENANT_REFUSALS: Partial<Record<ErrorCode, string>> = {
  TENANT_DISABLED: 'tenant_disabled',
  TENANT_QUOTA_EXCEEDED: 'quota',
  TENANT_STORAGE_EXCEEDED: 'storage',
};

// The admin page's static files hold no data; the page sends the token on its API calls.
const OPEN_ROUTES = new Set(['/health', '/admin', '/admin/', '/admin/auth']);
const OPEN_PREFIXES = ['/admin/assets/'];

/** True when `path` is served without a token. */
export function isOpenRoute(path: string): boolean {
  return OPEN_ROUTES.has(path) || OPEN_PREFIXES.some((p) => path.startsWith(p));
}

/** Decorates requests with `principal` and, when `server.auth` is configured, checks tokens and scopes. */
export function installAuth(app: FastifyInstance, runtime: Runtime): void {
  const auth = runtime.model.server.auth;
  if (auth === undefined) {
    // Every request is the static principal: a getter on the request prototype, not a hook every request runs.
    app.decorateRequest('principal', { getter: () => STATIC_PRINCIPAL });
    return;
  }
  // null first, so every request object has the same shape; the hook sets the real one.
  app.decorateRequest('principal', null as unknown as Principal);
  const authenticate = authenticator(auth);
  const denied = new Counter({
    name: 'tusk_auth_denied_total',
    help: 'Requests refused by auth, by reason (missing_scope, expired, bad_signature, …) and the scope that was missing ("-" for a 401).',
    labelNames: ['reason', 'scope'] as const,
    registers: [runtime.metrics.registry],
  });
  const admitTenant = installTenantAdmission(app, runtime);
  app.addHook('onRequest', async (request: FastifyRequest, reply: FastifyReply) => {
    if (isOpenRoute(request.url.split('?')[0]!)) {
      request.principal = ANONYMOUS_PRINCIPAL;
      return;
    }
    try {
      request.principal = await authenticate(bearerToken(request));
      authorize(request);
      await admitTenant?.(request, reply);
    } catch (err) {
      if (err instanceof AuthDenied)
        denied.inc({ reason: err.reason, scope: err.scope === undefined ? '-' : scopeLabel(err.scope, runtime.model) });
      else if (isTuskError(err) && TENANT_REFUSALS[err.code] !== undefined) denied.inc({ reason: TENANT_REFUSALS[err.code], scope: '-' });
      throw err;
    }
  });
}

/** Static tokens first (constant time), then the JWT verifier when one is configured. */
function authenticator(auth: AuthConfig): (token: string) => Promise<Principal> {
  const isStatic = auth.tokens !== undefined ? staticTokenMatcher(auth.tokens) : () => false;
  const verifyJwt = auth.jwt !== undefined ? jwtVerifier(auth.jwt) : undefined;
  return async (token) => {
    if (isStatic(token)) return STATIC_PRINCIPAL;
    if (verifyJwt === undefined) throw unauthorized('invalid_token', 'invalid bearer token');
    return verifyJwt(token);
  };
}

/** 403 when the principal lacks the scope of the matched route (an unmatched URL is left to the 404). */
function authorize(request: FastifyRequest): void {
  const { scopes } = request.principal;
  const url = request.routeOptions.url;
  if (url === undefined || (scopes.length === 1 && scopes[0] === '*')) return;
  const scope = requiredScope(request.method, url, request.params as Record<string, string | undefined>);
  if (scope !== null && !scopeAllows(scopes, scope))
    throw new AuthDenied('FORBIDDEN', 'missing_scope', `the token lacks the scope "${scope}"`, scope);
}

/** The token of `Authorization: Bearer <token>`, or 401. */
export function bearerToken(request: FastifyRequest): string {
  const header = request.headers.authorization;
  const match = typeof header === 'string' ? /^Bearer\s+(\S+)\s*$/i.exec(header) : null;
  if (match === null) throw unauthorized('missing_token', 'missing bearer token');
  return match[1]!;
}
