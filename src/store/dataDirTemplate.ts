/**
 * The embedded store's empty data directory, made once at build time (`npm run build`) instead
 * of at every first start: PGlite's initdb takes seconds (6–7 s of a 7 s cold start on a
 * quiet 2-core machine, issue 21), unpacking the same files takes a fraction of one. The
 * template is PGlite's own dump of a fresh cluster (`dumpDataDir`, a gzipped tar), kept in
 * dist/ with the PGlite version that made it; another version's template is not used.
 */
import { closeSync, existsSync, ftruncateSync, mkdirSync, openSync, readFileSync, writeFileSync, writeSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';

/** The template and the PGlite version it belongs to. */
export interface DataDirTemplate {
  /** The gzipped tar of a fresh data directory. */
  tarball: Buffer;
  pgliteVersion: string;
}

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
    const { pgliteVersion: version } = JSON.parse(readFileSync(VERSION_FILE, 'utf8')) as { pgliteVersion: string };
    if (version === pgliteVersion()) loaded = { tarball: readFileSync(TARBALL), pgliteVersion: version };
  } catch {
    // no template: PGlite runs initdb
  }
  return loaded ?? undefined;
}

/** Writes the template (build time); `dump` is PGlite's gzipped dump of a fresh cluster. */
export function saveDataDirTemplate(dump: Buffer): void {
  mkdirSync(dirname(TARBALL), { recursive: true });
  writeFileSync(TARBALL, dump);
  writeFileSync(VERSION_FILE, JSON.stringify({ pgliteVersion: pgliteVersion() }) + '\n');
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
export function unpackDataDir(template: DataDirTemplate, dir: string): void {
  const tar = gunzipSync(template.tarball);
  const root = resolve(dir);
  let last: { path: string; data: Buffer } | undefined;
  const made = new Set<string>();
  const makeDir = (path: string) => {
    if (made.has(path)) return;
    mkdirSync(path, { recursive: true });
    made.add(path);
  };
  for (let at = 0; at + 512 <= tar.length; ) {
    const header = tar.subarray(at, at + 512);
    if (header[0] === 0) break; // the two zero blocks that end a tar
    const field = (from: number, length: number) => header.toString('utf8', from, from + length).replace(/\0.*$/s, '');
    const prefix = field(345, 155);
    const name = (prefix === '' ? '' : `${prefix}/`) + field(0, 100);
    const size = parseInt(field(124, 12).trim() || '0', 8);
    const type = String.fromCharCode(header[156]!);
    const path = resolve(root, `.${sep}${name.replace(/^\/+/, '')}`);
    if (path !== root && !path.startsWith(root + sep)) throw new Error(`the data dir template names a path outside it: ${name}`);
    const data = tar.subarray(at + 512, at + 512 + size);
    at += 512 + Math.ceil(size / 512) * 512;
    if (type === '5') makeDir(path);
    else if (type === '0' || type === '\0') {
      if (name.replace(/^\/+/, '') === 'PG_VERSION') last = { path, data };
      else {
        makeDir(dirname(path));
        writeSparse(path, data);
      }
    }
  }
  if (last === undefined) throw new Error('the data dir template has no PG_VERSION');
  writeFileSync(last.path, last.data);
}

/**
 * Writes `data`, leaving its trailing zeros as a hole: the cluster's 16 MB WAL segment is
 * almost all zeros, and writing them would be most of the unpacking.
 */
function writeSparse(path: string, data: Buffer): void {
  let end = data.length;
  while (end > 0 && data[end - 1] === 0) end--;
  const fd = openSync(path, 'w', 0o600);
  try {
    if (end > 0) writeSync(fd, data, 0, end, 0);
    if (end < data.length) ftruncateSync(fd, data.length);
  } finally {
    closeSync(fd);
  }
}
