/**
 * Who is calling, and what may they do: the Principal every authenticated request carries as
 * `request.principal` (set by the auth hook, src/auth/installAuth.ts). Tenancy reads
 * `principal.tenant`; scope checks read `principal.scopes`. Nothing else parses tokens.
 */

/** The caller of a request: a subject, the tenant it acts for (null = single-tenant), its scopes. */
export interface Principal {
  readonly subject: string;
  readonly tenant: string | null;
  readonly scopes: readonly string[];
}

/** The principal of a static token, or of every request when no auth is configured: single-tenant, all scopes. */
export const STATIC_PRINCIPAL: Principal = Object.freeze({ subject: 'static', tenant: null, scopes: Object.freeze(['*']) });

/** The principal of an open route (/health, the admin page's files) when auth is configured: no scopes. */
export const ANONYMOUS_PRINCIPAL: Principal = Object.freeze({ subject: 'anonymous', tenant: null, scopes: Object.freeze([]) });

declare module 'fastify' {
  interface FastifyRequest {
    /** The caller, set by the auth hook before any route runs. */
    principal: Principal;
  }
}
