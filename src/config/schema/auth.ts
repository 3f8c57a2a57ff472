/** `server.auth`: static bearer tokens (single-tenant) and/or JWT bearer tokens (tenant and scopes from claims). */
import { z } from 'zod';
import { duration } from './primitives.js';

const KEY_SOURCES = ['jwks_file', 'jwks_url', 'secret'] as const;

export const jwtSchema = z
  .strictObject({
    jwks_file: z.string().min(1).optional().describe('a JWKS (JSON Web Key Set) file, read at start; relative to the working directory'),
    jwks_url: z
      .url({ protocol: /^https?$/, error: 'expected an http:// or https:// URL' })
      .optional()
      .describe("a JWKS URL (an identity provider's jwks_uri), fetched on first use and when a token names an unknown key"),
    secret: z
      .string()
      .min(32, 'an HS256 secret needs at least 32 characters (256 bits)')
      .optional()
      .describe('a shared secret for HS256/HS384/HS512 tokens (use @env.secure; 32+ characters)'),
    issuer: z.string().min(1).optional().describe('the required `iss` claim'),
    audience: z
      .union([z.string().min(1), z.array(z.string().min(1)).min(1)])
      .optional()
      .describe('the required `aud` claim (a token must name one of these)'),
    tenant_claim: z
      .string()
      .min(1)
      .optional()
      .describe('the claim holding the tenant id (a token without it is 401); unset = single-tenant'),
    scopes_claim: z
      .string()
      .min(1)
      .optional()
      .describe('the claim holding the scopes (a space-separated string or an array); unset = `scope`, else `scp`'),
    clock_tolerance: duration.default(0).describe('leeway for `exp`/`nbf`/`iat` ("30s")'),
  })
  .superRefine((jwt, ctx) => {
    const given = KEY_SOURCES.filter((k) => jwt[k] !== undefined);
    if (given.length !== 1)
      ctx.addIssue({
        code: 'custom',
        message: `server.auth.jwt needs exactly one of ${KEY_SOURCES.join(', ')}${given.length > 1 ? ` (got ${given.join(' and ')})` : ''}`,
      });
  })
  .describe('JWT bearer tokens: signature, expiry, issuer and audience checked; tenant and scopes read from claims');

export type JwtConfig = z.infer<typeof jwtSchema>;

export const authSchema = z
  .strictObject({
    tokens: z
      .array(z.string().min(1))
      .min(1)
      .optional()
      .describe('accepted static bearer tokens (use @env.secure): every scope, no tenant'),
    jwt: jwtSchema.optional(),
  })
  .refine((auth) => auth.tokens !== undefined || auth.jwt !== undefined, { message: 'server.auth needs `tokens`, `jwt` or both' })
  .describe('require `Authorization: Bearer <token>` on every route but /health');

export type AuthConfig = z.infer<typeof authSchema>;
