import { describe, expect, it } from 'vitest';
import { jwtSchema } from '../../src/config/schema/auth.js';
import { serverSchema } from '../../src/config/schema/server.js';
import { jwtVerifier } from '../../src/auth/jwt.js';

const parse = (auth: unknown) => serverSchema.safeParse({ auth });

describe('server.auth config', () => {
  it('takes static tokens, a JWT block, or both', () => {
    expect(parse({ tokens: ['t'] }).success).toBe(true);
    expect(parse({ jwt: { jwks_file: 'keys.json', tenant_claim: 'tid' } }).success).toBe(true);
    expect(parse({ tokens: ['t'], jwt: { jwks_url: 'https://idp.test/.well-known/jwks.json' } }).success).toBe(true);
  });

  it('refuses an empty auth block, and a jwt block without exactly one key source', () => {
    expect(parse({}).error?.issues[0]?.message).toContain('`tokens`, `jwt` or both');
    expect(parse({ jwt: { issuer: 'x' } }).error?.issues[0]?.message).toContain('exactly one of jwks_file, jwks_url, secret');
    expect(parse({ jwt: { jwks_file: 'a', secret: 'x'.repeat(32) } }).error?.issues[0]?.message).toContain('got jwks_file and secret');
    expect(parse({ jwt: { secret: 'short' } }).error?.issues[0]?.message).toContain('at least 32 characters');
    expect(parse({ jwt: { jwks_url: 'file:///etc/keys' } }).success).toBe(false);
  });

  it('stops the start with CONFIG_INVALID naming the key when jwks_file is missing or not a JWKS', () => {
    expect(() => jwtVerifier(jwtSchema.parse({ jwks_file: '/nonexistent/jwks.json' }))).toThrow(
      expect.objectContaining({
        code: 'CONFIG_INVALID',
        message: expect.stringContaining('server.auth.jwt.jwks_file "/nonexistent/jwks.json"'),
      }),
    );
    expect(() => jwtVerifier(jwtSchema.parse({ jwks_file: import.meta.filename }))).toThrow(
      expect.objectContaining({ code: 'CONFIG_INVALID' }),
    );
  });
});
