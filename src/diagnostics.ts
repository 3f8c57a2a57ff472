/**
 * Diagnostics are data (as zod issues are): a code, a severity, a message and a source
 * location. Formatters turn a list of them into text, JSON or GitHub annotations.
 */
import type { ErrorCode } from './errors.js';

/** A place in a .tsk file; line and column are 1-based. */
export interface SourceLocation {
  file: string;
  line: number;
  column: number;
  endLine?: number;
  endColumn?: number;
}

/** A note never fails `check` (not even with --strict): it explains how something was read. */
export type Severity = 'error' | 'warning' | 'note';

/** One finding about a config file. */
export interface Diagnostic {
  code: ErrorCode;
  severity: Severity;
  message: string;
  location?: SourceLocation;
  /** Other places that explain this one (the first definition of a duplicate key, …). */
  related?: { message: string; location: SourceLocation }[];
  /** The config path the diagnostic is about, when there is one (`aggregates.order.commands`). */
  path?: (string | number)[];
}

/** Shorthand constructors keep call sites to one line. */
export function error(code: ErrorCode, message: string, location?: SourceLocation, extra: Partial<Diagnostic> = {}): Diagnostic {
  return { code, severity: 'error', message, ...(location ? { location } : {}), ...extra };
}

/** A warning diagnostic (fails `check` only with `--strict`). */
export function warning(code: ErrorCode, message: string, location?: SourceLocation, extra: Partial<Diagnostic> = {}): Diagnostic {
  return { code, severity: 'warning', message, ...(location ? { location } : {}), ...extra };
}

/** A note: how something was read, when that may surprise (never a failure). */
export function note(code: ErrorCode, message: string, location?: SourceLocation, extra: Partial<Diagnostic> = {}): Diagnostic {
  return { code, severity: 'note', message, ...(location ? { location } : {}), ...extra };
}

/** `file:line:col` of a location. */
export function formatLocation(loc: SourceLocation): string {
  return `${loc.file}:${loc.line}:${loc.column}`;
}

/** Orders diagnostics by file, line, column so output is stable. */
export function sortDiagnostics(diags: readonly Diagnostic[]): Diagnostic[] {
  return [...diags].sort((a, b) => {
    const la = a.location;
    const lb = b.location;
    if (!la || !lb) return la ? -1 : lb ? 1 : 0;
    return la.file.localeCompare(lb.file) || la.line - lb.line || la.column - lb.column;
  });
}

/** `file:line:col: error: message` lines, as compilers print them. */
export function formatText(diags: readonly Diagnostic[], options: { color?: boolean } = {}): string {
  const paint = (code: string, text: string) => (options.color ? `\u001b[${code}m${text}\u001b[0m` : text);
  return sortDiagnostics(diags)
    .map((d) => {
      const where = d.location ? `${formatLocation(d.location)}: ` : '';
      const sev = d.severity === 'error' ? paint('31', 'error') : d.severity === 'warning' ? paint('33', 'warning') : paint('36', 'note');
      const related = (d.related ?? []).map((r) => `\n  ${formatLocation(r.location)}: note: ${r.message}`).join('');
      return `${where}${sev}: ${d.message} [${d.code}]${related}`;
    })
    .join('\n');
}

/** Machine-readable form for `check --format json`. */
export function formatJson(diags: readonly Diagnostic[], extra: Record<string, unknown> = {}): string {
  return JSON.stringify({ diagnostics: sortDiagnostics(diags), ...extra }, null, 2);
}

/** GitHub Actions workflow commands, so CI annotates the offending lines. */
export function formatGithub(diags: readonly Diagnostic[]): string {
  const esc = (s: string) => s.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
  const escProp = (s: string) => esc(s).replace(/:/g, '%3A').replace(/,/g, '%2C');
  return sortDiagnostics(diags)
    .map((d) => {
      const kind = d.severity === 'error' ? 'error' : d.severity === 'warning' ? 'warning' : 'notice';
      const loc = d.location;
      const props = loc ? ` file=${escProp(loc.file)},line=${loc.line},col=${loc.column},title=${d.code}` : ` title=${d.code}`;
      return `::${kind}${props}::${esc(d.message)}`;
    })
    .join('\n');
}

/** True when any diagnostic is an error (or a warning, when strict). */
export function hasFailures(diags: readonly Diagnostic[], strict = false): boolean {
  return diags.some((d) => d.severity === 'error' || (strict && d.severity === 'warning'));
}
