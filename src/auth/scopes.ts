/**
 * Scopes: what a principal may do. A granted scope is `:`-separated segments where `*` matches
 * any one segment, and a `*` at its end matches the rest: `*` grants everything,
 * `commands:order:*` every command of `order`, `projections:*:read` every projection read.
 */

/** True when one of `granted` covers `required`. */
export function scopeAllows(granted: readonly string[], required: string): boolean {
  const need = required.split(':');
  return granted.some((scope) => covers(scope.split(':'), need));
}

function covers(grant: readonly string[], need: readonly string[]): boolean {
  for (let i = 0; i < grant.length; i++) {
    const g = grant[i]!;
    if (g === '*' && i === grant.length - 1) return need.length >= grant.length;
    if (i >= need.length || (g !== '*' && g !== need[i])) return false;
  }
  return grant.length === need.length;
}
