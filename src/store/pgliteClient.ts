/**
 * Embedded PostgreSQL (PGlite) in this process: the default store, no server to install.
 * A data directory can hold one PGlite at a time, so it is locked with a pid file.
 */
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { PGlite } from '@electric-sql/pglite';
import { StoreUnavailableError } from '../errors.js';
import { dataDirTemplate, unpackDataDir, type TemplateKind } from './dataDirTemplate.js';
import { startMaintenance, WAL_START_PARAMS, type MaintenanceOptions } from './embeddedMaintenance.js';
import { isProcessAlive } from '../util/isProcessAlive.js';
import type { QueryResult, SqlExecutor } from './EventStore.js';
import { toQueryResult, type SqlClient, type TransactionOptions } from './SqlClient.js';

const LOCK_FILE = 'tusk-es.pid';

/**
 * PostgreSQL's buffer cache inside PGlite's WebAssembly heap. All of it is touched at start and
 * stays resident (PostgreSQL's default, 128 MB, was most of an idle server's memory; 16 MB
 * still was 8 MB of `rss_embedded_idle` more than 8 MB; issue 21). What a command touches is
 * small: the rightmost pages of the log's indexes and a page or two of each unique, projection
 * and idempotency index. The WebAssembly heap starts at 128 MB whatever this is; pages evicted
 * from here are still in the OS page cache (on disk) or in PGlite's in-memory file system.
 */
const SHARED_BUFFERS = '8MB';

/**
 * How V8 compiles PGlite's 9 MB WebAssembly module, set before the first PGlite compiles it
 * (V8 reads these flags at compile time). By default every function is compiled at once, on as
 * many threads as the platform has: most of PostgreSQL is never called by the store, and each
 * compiling thread leaves its own malloc arena behind, ~40–50 MB of an idle server's RSS
 * (issue 21). Lazily, one task at a time, a function is compiled when first called and hot
 * ones are still optimised in the background. Each function is also validated when it is first
 * compiled, not all of them before the module is ready: the start waited for that (~50 ms of
 * CPU against ~15 ms; issue 21, warm start), and the module is the pinned dependency's own.
 */
setFlagsFromString('--wasm-lazy-compilation');
setFlagsFromString('--wasm-lazy-validation');
setFlagsFromString('--wasm-num-compilation-tasks=1');

/** The embedded client; it can also dump its whole database as an image to start another from. */
export interface EmbeddedClient extends SqlClient {
  /** The database as a tar image (uncompressed by default: it loads fastest). */
  dumpImage(compression?: 'none' | 'gzip'): Promise<Blob>;
}

/**
 * Opens (creating if needed) the embedded database in `dataDir`, or in memory for "memory://".
 * An in-memory database may start from an `image` (see dumpImage) instead of an empty cluster,
 * which skips initdb, the slow part of starting PGlite. A new cluster is the build's `template`
 * (default: the bare cluster; "store" has the store's default tables already migrated).
 * `maintenance` changes when the store vacuums and checkpoints (tests).
 */
export async function createPgliteClient(
  dataDir: string,
  options: { image?: Blob; template?: TemplateKind; maintenance?: MaintenanceOptions } = {},
): Promise<EmbeddedClient> {
  const inMemory = dataDir === 'memory://' || dataDir === '';
  const dir = inMemory ? undefined : resolve(dataDir);
  if (dir !== undefined) lockDataDir(dir);
  let db: PGlite;
  try {
    // A new cluster comes from an image, else from the build's template, not from initdb (see
    // dataDirTemplate); a data dir that holds a cluster needs neither read.
    const needed = dir === undefined ? options.image === undefined : !existsSync(join(dir, 'PG_VERSION'));
    const template = needed ? (dataDirTemplate(options.template) ?? dataDirTemplate()) : undefined;
    if (dir !== undefined && template !== undefined) await unpackDataDir(template, dir);
    const image = options.image ?? (template === undefined ? undefined : new Blob([template.tarball]));
    const settings = { startParams: [...PGlite.defaultStartParams, '-c', `shared_buffers=${SHARED_BUFFERS}`, ...WAL_START_PARAMS] };
    db = await holdingEventLoop(() =>
      dir === undefined && image !== undefined
        ? PGlite.create({ loadDataDir: image, ...settings })
        : PGlite.create(dir ?? 'memory://', settings),
    );
  } catch (err) {
    if (dir !== undefined) unlockDataDir(dir);
    throw new StoreUnavailableError(
      `cannot open the embedded store in ${dir ?? 'memory'}: ${err instanceof Error ? err.message : String(err)}`,
      err,
    );
  }
  // PGlite runs no autovacuum and no checkpointer: the store does their work (embeddedMaintenance.ts).
  const maintenance = startMaintenance(db, options.maintenance);
  const run = async <R>(executor: Pick<PGlite, 'query'>, sql: string, params?: readonly unknown[]): Promise<QueryResult<R>> =>
    toQueryResult(await executor.query<R>(sql, params as unknown[] | undefined));
  return {
    kind: 'embedded',
    query: (sql, params) => run(db, sql, params),
    async queryArrays<R extends unknown[]>(sql: string, params?: readonly unknown[]): Promise<R[]> {
      return (await db.query<R>(sql, params as unknown[] | undefined, { rowMode: 'array' })).rows;
    },
    transaction: <T>(fn: (tx: SqlExecutor) => Promise<T>, options: TransactionOptions = {}): Promise<T> =>
      db.transaction(async (tx) => {
        if (options.prelude !== undefined) await tx.exec(options.prelude);
        return fn({ query: (sql, params) => run(tx, sql, params) });
      }),
    dumpImage: (compression = 'none') => db.dumpDataDir(compression),
    async close() {
      await maintenance.stop();
      await db.close();
      if (dir !== undefined) unlockDataDir(dir);
    },
  };
}

/**
 * Runs `work` with a timer holding Node's event loop. PGlite's boot awaits its WebAssembly
 * compile, which holds no handle: in a process that waits for nothing else (a start of `serve`)
 * the loop ran empty there, and Node, before leaving an empty loop, waits for every background
 * task of V8 to end (`NodePlatform::DrainTasks`), which by then included the optimising
 * compiles of PostgreSQL's hot functions that the boot's queries started (~1 s of CPU). The
 * rest of the start ran inside that drain, so the server listened but could not answer
 * `/health` until they were done (issue 21, warm start). With the loop held they run beside it.
 */
async function holdingEventLoop<T>(work: () => Promise<T>): Promise<T> {
  const hold = setInterval(() => undefined, 60_000);
  try {
    return await work();
  } finally {
    clearInterval(hold);
  }
}

/** Refuses a data dir another live process holds; takes over a stale lock. */
function lockDataDir(dir: string): void {
  mkdirSync(dir, { recursive: true });
  const file = join(dir, LOCK_FILE);
  let holder: number | undefined;
  try {
    holder = Number(readFileSync(file, 'utf8').trim());
  } catch {
    holder = undefined;
  }
  if (holder !== undefined && Number.isInteger(holder) && holder !== process.pid && isProcessAlive(holder)) {
    throw new StoreUnavailableError(
      `the embedded store ${dir} is in use by process ${holder} (one process per data_dir; use PostgreSQL to run several)`,
    );
  }
  writeFileSync(file, String(process.pid));
}

function unlockDataDir(dir: string): void {
  rmSync(join(dir, LOCK_FILE), { force: true });
}
