/**
 * `server.auth.tokens`: static bearer tokens (single-tenant mode). Tokens are compared in
 * constant time (through equal-length hashes).
 */
import { createHash, timingSafeEqual } from 'node:crypto';

/** Matches a presented token against the configured static tokens. */
export function staticTokenMatcher(tokens: readonly string[]): (token: string) => boolean {
  const digests = tokens.map(digest);
  return (token) => {
    const given = digest(token);
    // Compare against every token so the time does not depend on which one matched.
    let ok = false;
    for (const d of digests) ok = timingSafeEqual(d, given) || ok;
    return ok;
  };
}

function digest(token: string): Buffer {
  return createHash('sha256').update(token).digest();
}
