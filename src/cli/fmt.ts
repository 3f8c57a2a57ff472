/**
 * `tusk-es fmt [--check] <files…>`: rewrites .tsk files in the canonical layout
 * (src/tsk/format/). Folders are searched for *.tsk. Prints the files it changed (or, with
 * --check, would change). Exit 0 done / all canonical, 1 a file would change (--check), a file
 * is missing or has syntax errors (left as is); usage (2) from commander.
 */
import { readdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { formatText } from '../diagnostics.js';
import { formatTsk } from '../tsk/format/formatTsk.js';
import { stderrColor } from './print.js';

export interface FmtOptions {
  check: boolean;
}

/** Runs `fmt` and resolves to the exit code. */
export function fmtCommand(paths: string[], opts: FmtOptions): number {
  let failed = false;
  let changed = 0;
  for (const file of paths.flatMap(expand)) {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch {
      process.stderr.write(`tusk-es fmt: ${file}: no such file\n`);
      failed = true;
      continue;
    }
    const result = formatTsk(text, file);
    if (!result.ok) {
      process.stderr.write(`${formatText(result.diagnostics, { color: stderrColor() })}\ntusk-es fmt: ${file} is left as is\n`);
      failed = true;
      continue;
    }
    if (result.text === text) continue;
    changed++;
    if (!opts.check) writeAtomically(file, result.text);
    process.stdout.write(`${file}\n`);
  }
  if (opts.check && changed > 0)
    process.stderr.write(
      `tusk-es fmt: ${changed} file${changed === 1 ? '' : 's'} not in the canonical layout (run tusk-es fmt to rewrite them)\n`,
    );
  return failed || (opts.check && changed > 0) ? 1 : 0;
}

/** A folder stands for the *.tsk files under it (not in dot folders or node_modules). */
function expand(path: string): string[] {
  let isDir = false;
  try {
    isDir = statSync(path).isDirectory();
  } catch {
    return [path]; // reported as missing when read
  }
  if (!isDir) return [path];
  const found: string[] = [];
  for (const entry of readdirSync(path, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
    const full = join(path, entry.name);
    if (entry.isDirectory()) {
      if (!entry.name.startsWith('.') && entry.name !== 'node_modules') found.push(...expand(full));
    } else if (entry.name.endsWith('.tsk')) found.push(full);
  }
  return found;
}

/** Replaces the file in one rename, so a crash never leaves it half-written. */
function writeAtomically(file: string, text: string): void {
  const tmp = `${file}.fmt-${process.pid}.tmp`;
  writeFileSync(tmp, text, { mode: statSync(file).mode });
  renameSync(tmp, file);
}
