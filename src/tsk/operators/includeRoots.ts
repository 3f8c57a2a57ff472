/**
 * Where `@file` may read (issue 13): inside the folder of the root config file, or under a
 * directory given with `--allow-root`. Paths are compared after resolving symlinks
 * (realpath), so a link inside the folder cannot point outside it. A refused file is never
 * opened, so nothing of it can reach a message.
 */
import { realpathSync } from 'node:fs';
import { dirname, isAbsolute, relative, resolve, sep } from 'node:path';

/** The allowed roots, each resolved through symlinks when it exists. */
export function includeRoots(rootFile: string, allowRoots: readonly string[] = []): string[] {
  return [dirname(resolve(rootFile)), ...allowRoots.map((r) => resolve(r))].map(real);
}

function real(path: string): string {
  try {
    return realpathSync(path);
  } catch {
    return path;
  }
}

function inside(path: string, root: string): boolean {
  const rel = relative(root, path);
  return rel === '' || (!rel.startsWith(`..${sep}`) && rel !== '..' && !isAbsolute(rel));
}

/**
 * Why `abs` may not be included, or undefined when it may. `written` is the path as the
 * author wrote it. A file that does not exist is judged by its path as written.
 */
export function refusal(abs: string, written: string, roots: readonly string[]): string | undefined {
  let target = abs;
  let viaLink = false;
  try {
    target = realpathSync(abs);
    viaLink = target !== abs && roots.some((r) => inside(abs, r));
  } catch {
    // missing: the lexical path decides (the loader then reports "file not found")
  }
  if (roots.some((r) => inside(target, r))) return undefined;
  const where =
    roots.length === 1
      ? `the config folder ${roots[0]}`
      : `the config folder ${roots[0]} or an --allow-root directory (${roots.slice(1).join(', ')})`;
  const fix = 'move the file there, or allow its folder with --allow-root DIR';
  if (viaLink) return `@file ${written} is a symlink to ${target}, outside ${where}: ${fix}`;
  if (isAbsolute(written))
    return `@file ${written} is an absolute path outside ${where}: use a path relative to the config file, or allow its folder with --allow-root DIR`;
  return `@file ${written} is outside ${where}: ${fix}`;
}
