/** Secret redaction shared by `print`, the config CLI and logs. */
import { setOwn } from '../util/setOwn.js';

export const REDACTED = '***';

/** Replaces every occurrence of a secret in `text` by `***`. */
export function redactText(text: string, secrets: ReadonlySet<string>): string {
  let out = text;
  for (const s of secrets) if (s !== '' && out.includes(s)) out = out.split(s).join(REDACTED);
  return out;
}

/**
 * A deep copy of `value` in which every string equal to or containing a secret is redacted
 * (and every number whose text is a secret, since `@env.secure` defaults keep their type).
 */
export function redact<T>(value: T, secrets: ReadonlySet<string>): T {
  if (secrets.size === 0) return value;
  const walk = (v: unknown): unknown => {
    if (typeof v === 'string') return secrets.has(v) ? REDACTED : redactText(v, secrets);
    if (typeof v === 'number' || typeof v === 'bigint') return secrets.has(String(v)) ? REDACTED : v;
    if (Array.isArray(v)) return v.map(walk);
    if (v !== null && typeof v === 'object' && Object.getPrototypeOf(v) === Object.prototype) {
      const out: Record<string, unknown> = {};
      for (const [k, x] of Object.entries(v)) setOwn(out, k, walk(x));
      return out;
    }
    return v;
  };
  return walk(value) as T;
}
