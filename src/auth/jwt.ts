/**
 * `server.auth.jwt`: JWT bearer tokens verified with `jose` against a JWKS (a file read at
 * start, or a URL fetched and cached by jose) or a shared HS256 secret; issuer, audience and
 * expiry checked; the tenant and the scopes read from claims.
 */
import { readFileSync } from 'node:fs';
import { createLocalJWKSet, createRemoteJWKSet, errors, jwtVerify, type JSONWebKeySet, type JWTPayload, type JWTVerifyGetKey } from 'jose';
import type { JwtConfig } from '../config/schema/auth.js';
import { TuskError } from '../errors.js';
import { AuthDenied, unauthorized } from './denial.js';
import type { Principal } from './principal.js';

// Asymmetric algorithms only for a JWKS, symmetric only for a secret: no algorithm confusion.
const JWKS_ALGORITHMS = ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512', 'EdDSA', 'Ed25519'];
const SECRET_ALGORITHMS = ['HS256', 'HS384', 'HS512'];

/** Verifies a JWT and gives its principal; throws AuthDenied (401, or 503 when the JWKS URL cannot be read). */
export type JwtVerifier = (token: string) => Promise<Principal>;

/** Builds the verifier of `config` (reads `jwks_file` now: a missing or malformed file fails the start). */
export function jwtVerifier(config: JwtConfig): JwtVerifier {
  const key = verificationKey(config);
  const options = {
    algorithms: config.secret !== undefined ? SECRET_ALGORITHMS : JWKS_ALGORITHMS,
    clockTolerance: Math.floor(config.clock_tolerance / 1000),
    ...(config.issuer !== undefined ? { issuer: config.issuer } : {}),
    ...(config.audience !== undefined ? { audience: config.audience } : {}),
  };
  return async (token) => {
    let payload: JWTPayload;
    try {
      payload = (typeof key === 'function' ? await jwtVerify(token, key, options) : await jwtVerify(token, key, options)).payload;
    } catch (err) {
      throw denial(err);
    }
    return principalOf(payload, config);
  };
}

function verificationKey(config: JwtConfig): Uint8Array | JWTVerifyGetKey {
  if (config.secret !== undefined) return new TextEncoder().encode(config.secret);
  if (config.jwks_url !== undefined) return createRemoteJWKSet(new URL(config.jwks_url));
  const file = config.jwks_file!;
  let jwks: JSONWebKeySet;
  try {
    jwks = JSON.parse(readFileSync(file, 'utf8')) as JSONWebKeySet;
    return createLocalJWKSet(jwks);
  } catch (err) {
    throw new TuskError('CONFIG_INVALID', `server.auth.jwt.jwks_file "${file}": ${(err as Error).message}`, { cause: err });
  }
}

/** The principal a verified payload names. */
function principalOf(payload: JWTPayload, config: JwtConfig): Principal {
  let tenant: string | null = null;
  if (config.tenant_claim !== undefined) {
    const value = payload[config.tenant_claim];
    if ((typeof value !== 'string' || value === '') && typeof value !== 'number')
      throw unauthorized('no_tenant', `the token has no "${config.tenant_claim}" claim (the tenant)`);
    tenant = String(value);
  }
  const scopes = config.scopes_claim !== undefined ? scopeList(payload[config.scopes_claim]) : scopeList(payload.scope ?? payload.scp);
  return { subject: typeof payload.sub === 'string' ? payload.sub : 'jwt', tenant, scopes };
}

/** `"a b c"` or `["a", "b"]` as a list; anything else is no scopes. */
function scopeList(value: unknown): readonly string[] {
  if (typeof value === 'string') return value.split(/\s+/).filter((s) => s !== '');
  if (Array.isArray(value)) return value.filter((s): s is string => typeof s === 'string' && s !== '');
  return [];
}

/** The typed refusal for a jose error. */
function denial(err: unknown): AuthDenied {
  if (err instanceof errors.JWTExpired) return unauthorized('expired', 'the token has expired');
  if (err instanceof errors.JWTClaimValidationFailed)
    return unauthorized('claims', `the token's "${err.claim}" claim is not accepted (${err.reason})`);
  if (err instanceof errors.JWSSignatureVerificationFailed) return unauthorized('bad_signature', 'the token signature does not verify');
  if (err instanceof errors.JWKSNoMatchingKey || err instanceof errors.JWKSMultipleMatchingKeys)
    return unauthorized('unknown_key', 'no key of the JWKS matches the token');
  // A fetch that failed, timed out or answered non-200 (jose's base error) is the provider's outage, not a bad token.
  if (
    err instanceof errors.JWKSTimeout ||
    err instanceof errors.JWKSInvalid ||
    !(err instanceof errors.JOSEError) ||
    err.constructor === errors.JOSEError
  )
    return new AuthDenied('AUTH_UNAVAILABLE', 'jwks_unavailable', `the JWKS cannot be read: ${(err as Error).message}`);
  return unauthorized('invalid_token', `the token is not a valid JWT (${err.message})`);
}
