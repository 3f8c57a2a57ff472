/**
 * The embedded store's empty data directory, made once at build time (`npm run build`) instead
 * of at every first start: PGlite's initdb takes seconds (6–7 s of a 7 s cold start on a
 * quiet 2-core machine, issue 21), unpacking the same files takes a fraction of one. The
 * template is PGlite's own dump of a fresh cluster (`dumpDataDir`, a gzipped tar), kept in
 * dist/ with the PGlite version and the template format that made it; another's is not used.
 *
 * There are two: the bare cluster, and the same cluster with the store's schema migrated for
 * the default table names (schema `public`, no prefix). A new store with those names starts
 * from the second and finds its migrations done: its first start ran every migration's DDL, a
 * few hundred ms and ~20 MB of RSS the server kept (issue 21, cold start and idle memory).
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SCHEMA_MIGRATIONS } from './migrations/schemaMigrations.js';
import { unpackTarGz } from './unpackTar.js';

/** The template and the PGlite version it belongs to. */
export interface DataDirTemplate {
  /** The gzipped tar of a fresh data directory. */
  tarball: Buffer;
  pgliteVersion: string;
}

/**
 * What the build puts in a template; a template of another format is made again. 2: the
 * cluster holds the `postgres` database only (see buildDataDirTemplate); 3: the store template.
 */
export const TEMPLATE_FORMAT = 3;

/** The bare cluster, or the cluster with the store's tables under their default names. */
export type TemplateKind = 'cluster' | 'store';

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
const TARBALLS: Record<TemplateKind, string> = {
  cluster: join(ROOT, 'dist', 'pglite-datadir.tar.gz'),
  store: join(ROOT, 'dist', 'pglite-datadir-store.tar.gz'),
};
const VERSION_FILE = join(ROOT, 'dist', 'pglite-datadir.json');

/** The installed PGlite's version. */
export function pgliteVersion(): string {
  const require = createRequire(import.meta.url);
  const main = require.resolve('@electric-sql/pglite');
  let dir = dirname(main);
  while (!existsSync(join(dir, 'package.json'))) dir = dirname(dir);
  return (JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { version: string }).version;
}

/** The newest store schema migration: the store template is made again when it changes. */
function latestSchemaVersion(): number {
  return Math.max(...SCHEMA_MIGRATIONS.map((m) => m.version));
}

let current: string | null | undefined;

/** The PGlite version of the templates on disk when they are current, else null. */
function currentVersion(): string | null {
  if (current !== undefined) return current;
  current = null;
  try {
    const made = JSON.parse(readFileSync(VERSION_FILE, 'utf8')) as { pgliteVersion: string; format?: number; schemaVersion?: number };
    const version = pgliteVersion();
    if (made.pgliteVersion === version && made.format === TEMPLATE_FORMAT && made.schemaVersion === latestSchemaVersion())
      current = version;
  } catch {
    // no template: PGlite runs initdb
  }
  return current;
}

/**
 * The `kind` template for the installed PGlite, or undefined (not built, or built by another
 * version). Read from disk at each call, not kept: only a first start needs it.
 */
export function dataDirTemplate(kind: TemplateKind = 'cluster'): DataDirTemplate | undefined {
  const version = currentVersion();
  if (version === null) return undefined;
  try {
    return { tarball: readFileSync(TARBALLS[kind]), pgliteVersion: version };
  } catch {
    return undefined;
  }
}

/** Writes the templates (build time): PGlite's gzipped dumps of a fresh cluster, bare and with the store's schema. */
export function saveDataDirTemplates(dumps: Record<TemplateKind, Buffer>): void {
  mkdirSync(dirname(VERSION_FILE), { recursive: true });
  for (const kind of ['cluster', 'store'] as const) writeFileSync(TARBALLS[kind], dumps[kind]);
  writeFileSync(
    VERSION_FILE,
    JSON.stringify({ pgliteVersion: pgliteVersion(), format: TEMPLATE_FORMAT, schemaVersion: latestSchemaVersion() }) + '\n',
  );
  current = undefined;
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
