/**
 * Seed 004's `EventEncryption` vocabulary: `encryption = { sensitive_fields = { UserCreated =
 * ["email", "phone"] }, key = @env.secure(…) }` is personal data whose subject is the stream,
 * the same machinery as `events.<Type>.personal_data` (src/personalData).
 */
import type { Path } from '../../tsk/document.js';
import { isPlainObject } from '../paths.js';
import type { CanonicalTree } from './CanonicalTree.js';

/** Puts `encryption` into `events.<Type>.personal_data` and `event_store.encryption_key`. */
export function putEncryption(tree: CanonicalTree, value: unknown, from: Path): void {
  if (!isPlainObject(value)) return tree.errorAt('CONFIG_INVALID', 'expected { sensitive_fields = { EventType = ["field", …] } }', from);
  for (const [key, v] of Object.entries(value)) {
    const at = [...from, key];
    if (key === 'sensitive_fields' && isPlainObject(v)) {
      for (const [type, fields] of Object.entries(v)) tree.put(['events', type, 'personal_data', 'fields'], fields, [...at, type]);
    } else if (key === 'key' || key === 'master_key' || key === 'encryption_key') tree.put(['event_store', 'encryption_key'], v, at);
    else if (key === 'enabled' || key === 'algorithm') tree.warnAt('CONFIG_IGNORED', 'ignored: personal fields are always AES-256-GCM', at);
    else tree.errorAt('CONFIG_UNKNOWN_KEY', `unknown key "${key}" (expected sensitive_fields or key)`, at);
  }
}
