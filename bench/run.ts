/**
 * `npm run bench`: starts a private PostgreSQL with durability at its defaults (fsync and
 * synchronous_commit on), measures the baselines and then every figure group, prints each
 * figure beside its same-run baseline (re-run alternately with the figure's own runs), and
 * writes bench/results.json.
 *
 *   npm run bench                       all figures (about 4 minutes on a 2-core machine)
 *   npm run bench -- --only http,store  only some groups (baselines always run)
 *   npm run bench -- --seconds 1        shorter timed runs (quicker, noisier; default 3)
 *   npm run bench -- --soak-seconds 60  a shorter soak (default 600: the real figure)
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { createTestDatabase, startPostgres } from '../test/support/postgres.js';
import type { BenchContext, FigureGroup } from './BenchContext.js';
import { baselineFigures } from './baselineFigures.js';
import { toMarkdown } from './harness.js';
import { Report } from './Report.js';
import { appFigures } from './appFigures.js';
import { archiveFigures } from './archiveFigures.js';
import { cacheFigures } from './cacheFigures.js';
import { consumerFigures } from './consumerFigures.js';
import { embeddedFigures } from './embeddedFigures.js';
import { failoverFigures } from './failoverFigures.js';
import { httpFigures } from './httpFigures.js';
import { loadFigures } from './loadFigures.js';
import { parseFigures } from './parseFigures.js';
import { partitionFigures } from './partitionFigures.js';
import { personalDataFigures } from './personalDataFigures.js';
import { rebuildFigures } from './rebuildFigures.js';
import { shardFigures } from './shardFigures.js';
import { soakFigures } from './soakFigures.js';
import { storeFigures } from './storeFigures.js';
import { tenancyFigures } from './tenancyFigures.js';
import { tracingFigures } from './tracingFigures.js';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** The figure groups, in run order. */
const GROUPS: ReadonlyArray<readonly [string, FigureGroup]> = [
  ['store', storeFigures],
  ['http', httpFigures],
  ['load', loadFigures],
  ['partitions', partitionFigures],
  ['archive', archiveFigures],
  ['rebuild', rebuildFigures],
  ['pii', personalDataFigures],
  ['consumers', consumerFigures],
  ['cache', cacheFigures],
  ['embedded', embeddedFigures],
  ['app', appFigures],
  ['parse', parseFigures],
  ['soak', soakFigures],
  ['failover', failoverFigures],
  ['tracing', tracingFigures],
  ['shards', shardFigures],
  ['tenancy', tenancyFigures],
];

/**
 * Writes the server's dirty pages out before a group, so no group pays for the checkpoint of
 * the writes of the group before it (a checkpoint's fsyncs in the middle of a timed run).
 */
async function checkpoint(url: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query('CHECKPOINT');
  } finally {
    await client.end();
  }
}

/** Version and durability settings, read from the server itself. */
async function describeServer(url: string): Promise<string> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query<Record<string, string>>(
      `SELECT current_setting('server_version') AS version, current_setting('fsync') AS fsync,
              current_setting('synchronous_commit') AS synchronous_commit, current_setting('full_page_writes') AS full_page_writes`,
    );
    const r = rows[0]!;
    return `PostgreSQL ${r.version}: fsync ${r.fsync}, synchronous_commit ${r.synchronous_commit}, full_page_writes ${r.full_page_writes}`;
  } finally {
    await client.end();
  }
}

function option(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i < 0 ? undefined : process.argv[i + 1];
}

/** The figures of `file` with those measured now in their place (new ones at the end). */
function mergedResults<T extends { id: string }>(file: string, fresh: readonly T[]): T[] {
  let previous: T[] = [];
  try {
    previous = JSON.parse(readFileSync(file, 'utf8')) as T[];
  } catch {
    previous = [];
  }
  const byId = new Map(fresh.map((r) => [r.id, r]));
  const kept = previous.map((r) => byId.get(r.id) ?? r);
  return [...kept, ...fresh.filter((r) => !previous.some((p) => p.id === r.id))];
}

async function main(): Promise<number> {
  const only = option('only')?.split(',');
  const runSeconds = Number(option('seconds') ?? 3);
  const soakSeconds = Number(option('soak-seconds') ?? 600);
  const started = Date.now();
  const note = (line: string) => process.stdout.write(`# ${line}\n`);
  // Other work on the machine moves every figure: say how busy it was.
  const load = () =>
    loadavg()
      .map((l) => l.toFixed(2))
      .join(' ');
  note(`${cpus().length} CPUs, Node ${process.version}; load average at start: ${load()}`);
  note('starting PostgreSQL (fsync and synchronous_commit on, as in production)');
  const server = await startPostgres({ fsync: true });
  note(await describeServer(server.url));
  const report = new Report();
  let closeBaselines: (() => Promise<void>) | undefined;
  try {
    const ctx: BenchContext = {
      pgUrl: server.url,
      newDatabase: () => createTestDatabase(server.url),
      report,
      runSeconds,
      soakSeconds,
      note,
    };
    note('baselines (plain pg / PGlite, same server, same rows)');
    closeBaselines = await baselineFigures(ctx);
    for (const [name, group] of GROUPS) {
      if (only !== undefined && !only.includes(name)) continue;
      note(`${name} figures`);
      await checkpoint(server.url);
      await group(ctx);
    }
  } finally {
    await closeBaselines?.();
    await server.stop();
  }
  const file = join(ROOT, 'bench', 'results.json');
  const results = report.results.map(({ id, median, min, max, unit, baseline, ratio, baselineMedian }) => ({
    id,
    median,
    min,
    max,
    unit,
    baseline,
    ratio,
    baseline_median: baselineMedian,
  }));
  // --only measures some figures: the others keep their last values
  writeFileSync(file, JSON.stringify(only === undefined ? results : mergedResults(file, results), null, 2) + '\n');
  process.stdout.write(`\n${toMarkdown(report.results)}\n\n`);
  for (const s of report.skipped) process.stdout.write(`${s.id}: skipped: ${s.reason}\n`);
  note(`load average at the end: ${load()}`);
  const { met, missed, notMeasured } = report.targets();
  const list = (ids: string[]) => (ids.length === 0 ? 'none' : ids.join(', '));
  process.stdout.write(`targets met: ${list(met)}; missed: ${list(missed)}; not measured: ${list(notMeasured)}\n`);
  process.stdout.write(`wrote ${file} in ${Math.round((Date.now() - started) / 1000)} s\n`);
  return 0;
}

process.exitCode = await main().catch((err: unknown) => {
  process.stderr.write(`bench failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  return 1;
});
