/** `tusk-es print`: the resolved tree as JSON (secrets as ***), diagnostics on stderr. */
import { existsSync } from 'node:fs';
import { formatText, hasFailures } from '../diagnostics.js';
import { loadTsk } from '../tsk/load.js';
import { redact } from '../tsk/redact.js';

/** True when diagnostics on stderr may be colored (a TTY and NO_COLOR unset). */
export function stderrColor(): boolean {
  return Boolean(process.stderr.isTTY) && (process.env.NO_COLOR === undefined || process.env.NO_COLOR === '');
}

/**
 * Prints `file` resolved. A syntax error prints no tree; other errors (an unsupported
 * operator, a duplicate key) still print the tree, so it can be inspected, but exit 1.
 * Warnings exit 0.
 */
export async function printCommand(file: string, allowRoots: readonly string[] = []): Promise<number> {
  if (!existsSync(file)) {
    process.stderr.write(`tusk-es print: ${file}: no such file\n`);
    return 1;
  }
  const doc = await loadTsk(file, { mode: 'print', allowRoots });
  if (doc.diagnostics.length > 0) {
    // diagnostic messages may quote values; never let a secret reach the terminal
    const safe = doc.diagnostics.map((d) => redact(d, doc.secrets));
    process.stderr.write(`${formatText(safe, { color: stderrColor() })}\n`);
  }
  if (doc.diagnostics.some((d) => d.code === 'TSK_SYNTAX')) return 1;
  process.stdout.write(`${JSON.stringify(redact(doc.value, doc.secrets), null, 2)}\n`);
  return hasFailures(doc.diagnostics) ? 1 : 0;
}
