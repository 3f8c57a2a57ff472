/**
 * The normalised model as the admin page shows it: `@env.secure` values redacted (as `check
 * --print-model` does), and also every value under a key that names a secret (tokens,
 * passwords, webhook secrets) and the password of a connection URL, which a config may hold
 * as plain literals.
 */
import type { AppConfig } from '../config/schema/index.js';
import { REDACTED, redact } from '../tsk/redact.js';

const SECRET_KEY = /(^|_)(tokens?|secret|secrets|password|passwd|credentials?|api_key|sasl)$/i;

/** A redacted deep copy of `model` as plain JSON. */
export function redactModel(model: AppConfig, secrets: ReadonlySet<string>): unknown {
  return scrub(JSON.parse(JSON.stringify(redact(model, secrets))) as unknown);
}

function scrub(value: unknown, key = ''): unknown {
  if (SECRET_KEY.test(key) && value !== null && value !== undefined) return Array.isArray(value) ? value.map(() => REDACTED) : REDACTED;
  if (typeof value === 'string') return value.replace(/(\b[a-z][a-z0-9+.-]*:\/\/[^:/@\s]*:)[^@\s]*@/gi, `$1${REDACTED}@`);
  if (Array.isArray(value)) return value.map((v) => scrub(v));
  if (value !== null && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, scrub(v, k)]));
  return value;
}
