/**
 * The embedded store's empty data directory, made once at build time (`npm run build`) instead
 * of at every first start: PGlite's initdb takes seconds (6–7 s of a 7 s cold start on a
 * quiet 2-core machine, issue 21), unpacking the same files takes a fraction of one. The
 * template is PGlite's own dump of a fresh cluster (`dumpDataDir`, a gzipped tar), kept in
 * dist/ with the PGlite version and the template format that made it; another's is not used.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { unpackTarGz } from './unpackTar.js';

/** The template and the PGlite version it belongs to. */
export interface DataDirTemplate {
  /** The gzipped tar of a fresh data directory. */
  tarball: Buffer;
  pgliteVersion: string;
}

/**
 * What the build puts in a template; a template of another format is made again. 2: the
 * cluster holds the `postgres` database only (see buildDataDirTemplate).
 */
export const TEMPLATE_FORMAT = 2;

/** The package root: the nearest directory above this module holding package.json. */
function packageRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json'))) {
    const up = dirname(dir);
    if (up === dir) throw new Error('tusk-es: no package.json above the store module');
    dir = up;
  }
  return dir;
}

const ROOT = packageRoot();
const TARBALL = join(ROOT, 'dist', 'pglite-datadir.tar.gz');
const VERSION_FILE = join(ROOT, 'dist', 'pglite-datadir.json');

/** The installed PGlite's version. */
export function pgliteVersion(): string {
  const require = createRequire(import.meta.url);
  const main = require.resolve('@electric-sql/pglite');
  let dir = dirname(main);
  while (!existsSync(join(dir, 'package.json'))) dir = dirname(dir);
  return (JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { version: string }).version;
}

let loaded: DataDirTemplate | null | undefined;

/** The template for the installed PGlite, or undefined (not built, or built by another version). */
export function dataDirTemplate(): DataDirTemplate | undefined {
  if (loaded !== undefined) return loaded ?? undefined;
  loaded = null;
  try {
    const { pgliteVersion: version, format } = JSON.parse(readFileSync(VERSION_FILE, 'utf8')) as { pgliteVersion: string; format?: number };
    if (version === pgliteVersion() && format === TEMPLATE_FORMAT) loaded = { tarball: readFileSync(TARBALL), pgliteVersion: version };
  } catch {
    // no template: PGlite runs initdb
  }
  return loaded ?? undefined;
}

/** Writes the template (build time); `dump` is PGlite's gzipped dump of a fresh cluster. */
export function saveDataDirTemplate(dump: Buffer): void {
  mkdirSync(dirname(TARBALL), { recursive: true });
  writeFileSync(TARBALL, dump);
  writeFileSync(VERSION_FILE, JSON.stringify({ pgliteVersion: pgliteVersion(), format: TEMPLATE_FORMAT }) + '\n');
}

/** True when the template on disk is for the installed PGlite. */
export function hasCurrentTemplate(): boolean {
  return dataDirTemplate() !== undefined;
}

/**
 * Unpacks `template` into the empty data directory `dir` with plain file writes. PG_VERSION,
 * which is how PGlite tells an existing cluster from an empty directory, is written last: a
 * start interrupted halfway finds no cluster and unpacks again.
 */
export function unpackDataDir(template: DataDirTemplate, dir: string): Promise<void> {
  return unpackTarGz(template.tarball, dir, 'PG_VERSION');
}
