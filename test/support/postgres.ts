/**
 * A throwaway PostgreSQL server for the tests and the benchmarks: initdb into a temp dir, one
 * postmaster on a reserved loopback port, stopped by pid. Plus one fresh database per test file.
 */
import { execFile, execFileSync } from 'node:child_process';
import { chownSync, mkdtempSync, readdirSync, realpathSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { ensurePackage, findExecutable, whichExecutable } from './packages.js';
import { reservePort } from './ports.js';
import { awaitPidGone, childPids, signal, spawnLogged, startReaper, stopChild, waitUntil, type Started } from './processes.js';

/** A running PostgreSQL started by `startPostgres`. */
export interface PostgresServer {
  /** Superuser URL of the `postgres` database. */
  url: string;
  port: number;
  dataDir: string;
  pid: number;
  /** Fast shutdown (SIGINT, SIGKILL after 10 s), then removes the data dir. */
  stop(): Promise<void>;
  /** Crashes the server: SIGKILL to the postmaster and its backends, by pid; the data dir stays. */
  kill(): Promise<void>;
  /** Starts the server again on its data dir and port (after kill), resolving once it accepts connections. */
  restart(): Promise<void>;
}

const SUPERUSER = 'postgres';
const OS_USER = 'postgres';
const TEMPLATE = 'tusk_template';

interface Binaries {
  initdb: string;
  postgres: string;
}

/** initdb and postgres of one installation: PATH first, then Debian's newest major. */
function findBinaries(): Binaries | undefined {
  const dirs: string[] = [];
  const onPath = whichExecutable('initdb');
  if (onPath !== undefined) dirs.push(dirname(realpathSync(onPath)));
  try {
    const majors = readdirSync('/usr/lib/postgresql').filter((d) => /^\d+$/.test(d));
    majors.sort((a, b) => Number(b) - Number(a));
    dirs.push(...majors.map((m) => `/usr/lib/postgresql/${m}/bin`));
  } catch {
    // no Debian layout
  }
  for (const dir of dirs) {
    const initdb = findExecutable([join(dir, 'initdb')]);
    const postgres = findExecutable([join(dir, 'postgres')]);
    if (initdb !== undefined && postgres !== undefined) return { initdb, postgres };
  }
  return undefined;
}

/** The folder of the PostgreSQL binaries the suite uses (installing the package when missing). */
export async function postgresBinDir(): Promise<string> {
  return dirname((await ensurePackage('postgresql', findBinaries)).postgres);
}

/** How the servers are run: as root, as the `postgres` OS user. */
export interface RunAs {
  /** Prefix that runs a command as the server's OS user. */
  prefix: string[];
  uid: number;
  gid: number;
}

/** postgres refuses to run as root, so as root we run it as the `postgres` OS user. */
export function runAs(): RunAs | undefined {
  if (process.getuid?.() !== 0) return undefined;
  const id = (flag: string) => Number(execFileSync('id', [flag, OS_USER], { encoding: 'utf8' }).trim());
  try {
    id('-u');
  } catch {
    execFileSync('useradd', [
      '--system',
      '--user-group',
      '--no-create-home',
      '--home-dir',
      '/nonexistent',
      '--shell',
      '/usr/sbin/nologin',
      OS_USER,
    ]);
  }
  const uid = id('-u');
  const gid = id('-g');
  // setpriv execs in place, so the pid we spawn is the postmaster's own pid.
  return { prefix: ['setpriv', `--reuid=${uid}`, `--regid=${gid}`, '--clear-groups', '--'], uid, gid };
}

/** A temp folder the server's OS user can reach (TMPDIR may be inside root's home). */
export function tempParent(as: RunAs | undefined): string {
  const dir = tmpdir();
  return as === undefined || (statSync(dir).mode & 0o001) !== 0 ? dir : '/tmp';
}

function run(file: string, args: string[], cwd: string): Promise<void> {
  return new Promise((resolve, reject) => {
    execFile(file, args, { cwd }, (error, stdout, stderr) =>
      error ? reject(new Error(`${[file, ...args].join(' ')} failed:\n${stdout}${stderr}`)) : resolve(),
    );
  });
}

async function accepts(url: string): Promise<boolean> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 2_000 });
  client.on('error', () => undefined);
  try {
    await client.connect();
    await client.query('SELECT 1');
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => undefined);
  }
}

/**
 * Starts a PostgreSQL server in a fresh temp dir on a reserved 127.0.0.1 port (trust auth,
 * superuser `postgres`, UTF8). Durability settings stay at their defaults with `fsync: true`
 * (benchmarks); otherwise they are off, which the tests do not need and which is much faster.
 */
export async function startPostgres(options: { fsync?: boolean } = {}): Promise<PostgresServer> {
  const bin = await ensurePackage('postgresql', findBinaries);
  const as = runAs();
  const asUser = (command: string[]) => [...(as?.prefix ?? []), ...command];
  const base = mkdtempSync(join(tempParent(as), 'tusk-pg-'));
  const reaper = startReaper(base, 'INT');
  const reservation = await reservePort();
  const port = reservation.port;
  const dataDir = join(base, 'data');
  const logFile = join(base, 'postgres.log');
  let started: Started | undefined;
  const cleanup = async () => {
    if (started !== undefined) await stopChild(started, 'SIGINT', 10_000);
    reaper.disarm();
    rmSync(base, { recursive: true, force: true });
    reservation.release();
  };
  try {
    if (as !== undefined) chownSync(base, as.uid, as.gid);
    // --no-sync: initdb's final fsync of the new cluster costs seconds and protects nothing here.
    const initdb = asUser([bin.initdb, '-D', dataDir, '-U', SUPERUSER, '-A', 'trust', '-E', 'UTF8', '--locale=C', '--no-sync']);
    await run(initdb[0]!, initdb.slice(1), base);

    const settings: Record<string, string> = {
      listen_addresses: '127.0.0.1',
      unix_socket_directories: base,
      max_connections: '200',
      ...(options.fsync === true ? {} : { fsync: 'off', synchronous_commit: 'off', full_page_writes: 'off' }),
    };
    const postgres = asUser([
      bin.postgres,
      '-D',
      dataDir,
      '-p',
      String(port),
      ...Object.entries(settings).flatMap(([k, v]) => ['-c', `${k}=${v}`]),
    ]);
    const url = `postgres://${SUPERUSER}@127.0.0.1:${port}/postgres`;
    const launch = async () => {
      const child = spawnLogged(postgres[0]!, postgres.slice(1), logFile, { cwd: base });
      started = child;
      reaper.track([child.pid]);
      await waitUntil('PostgreSQL did not start', () => accepts(url), {
        timeoutMs: 60_000,
        failed: () => (child.gone() ? 'the postmaster exited' : undefined),
        logFile,
      });
      return child;
    };
    let child = await launch();
    await withClient(url, createTemplate);

    let stopped: Promise<void> | undefined;
    const server: PostgresServer = {
      url,
      port,
      dataDir,
      pid: child.pid,
      stop: () => (stopped ??= cleanup()),
      kill: async () => {
        const pids = [child.pid, ...childPids(child.pid)];
        for (const pid of pids) signal(pid, 'SIGKILL');
        await child.exited;
        for (const pid of pids) await awaitPidGone(pid, 10_000);
      },
      restart: async () => {
        child = await launch();
        server.pid = child.pid;
      },
    };
    return server;
  } catch (error) {
    await cleanup();
    throw error;
  }
}

function isDuplicate(error: unknown): boolean {
  const code = (error as { code?: string }).code;
  // 42P04 duplicate_database; 23505 when two sessions race on pg_database's unique index.
  return code === '42P04' || code === '23505';
}

/** Creates the empty template once; connections to it are refused, so no one blocks copies. */
async function createTemplate(client: pg.Client): Promise<void> {
  const { rowCount } = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [TEMPLATE]);
  if (rowCount !== 0) return;
  try {
    await client.query(`CREATE DATABASE ${TEMPLATE} TEMPLATE template0 ENCODING 'UTF8' IS_TEMPLATE true ALLOW_CONNECTIONS false`);
  } catch (error) {
    if (!isDuplicate(error)) throw error;
  }
}

/** Rows of one query on `url`, over a connection of its own. */
export async function queryOnce<R>(url: string, text: string, params: unknown[] = []): Promise<R[]> {
  return withClient(url, async (client) => (await client.query(text, params)).rows as R[]);
}

async function withClient<T>(url: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

let created = 0;

/**
 * Creates a new empty database on the server of `pgUrl` (a copy of an empty template) and
 * returns its URL: one per test file keeps test files isolated while they share one server.
 */
export async function createTestDatabase(pgUrl: string): Promise<string> {
  // Only lower-case letters, digits and underscores: safe unquoted, unique across workers.
  const name = `tusk_test_${process.pid}_${++created}_${randomBytes(4).toString('hex')}`;
  await withClient(pgUrl, async (client) => {
    // The server may not come from startPostgres (a URL given by hand): make the template then.
    await createTemplate(client);
    await client.query(`CREATE DATABASE ${name} TEMPLATE ${TEMPLATE}`);
  });
  const url = new URL(pgUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

/**
 * A new database owned by a new login role without superuser or BYPASSRLS (an app role, as in
 * production: row-level security applies to it, FORCEd since it owns the tables); its URL.
 */
export async function createAppDatabase(pgUrl: string): Promise<string> {
  const role = `tusk_app_${process.pid}_${++created}_${randomBytes(4).toString('hex')}`;
  await withClient(pgUrl, async (client) => {
    await createTemplate(client);
    await client.query(`CREATE ROLE ${role} LOGIN NOSUPERUSER NOBYPASSRLS`);
    await client.query(`CREATE DATABASE ${role} OWNER ${role} TEMPLATE ${TEMPLATE}`);
  });
  const url = new URL(pgUrl);
  url.username = role;
  url.pathname = `/${role}`;
  return url.toString();
}
