/**
 * The default app's figures (issue 21): `CreateUser` (a unique claim and an inline projection)
 * over HTTP on the embedded store on disk, 16 clients, against B5 (`http_embedded_app`), and
 * on PostgreSQL, 64 clients, against B1 (`http_pg_app`); the embedded server's RSS idle and
 * under that load; and the time from spawning `tusk-es serve` to its first `/health` answer on
 * a fresh data dir (`cold_start`) and on the data dir the load filled (`warm_start`).
 */
import type { BenchContext } from './BenchContext.js';
import { createUser, defaultAppDir, type AppDir } from './defaultApp.js';
import { checked, runLoad } from './httpLoad.js';
import { peakRss, serverNodeArgs, startServe, type ServerProcess } from './ServerProcess.js';

/** A command/s figure of `clients` CreateUser loops against `server`, with the peak RSS of each run. */
async function createUserFigure(
  ctx: BenchContext,
  server: ServerProcess,
  id: string,
  title: string,
  clients: number,
  baseline: 'B1' | 'B5',
): Promise<number[]> {
  let run = 0;
  const rss: number[] = [];
  await ctx.report.figure({ id, title, unit: 'commands/s', baseline }, async () => {
    let rate = 0;
    rss.push(
      await peakRss(server, async () => {
        rate = checked(await runLoad(server.url, clients, ctx.runSeconds, createUser(`${id}${run++}`)), id).rate;
      }),
    );
    return rate;
  });
  return rss.slice(1);
}

/** Milliseconds to the first /health of `tusk-es serve` in `next()`'s directory: a warm-up start, then 3. */
async function startTimes(next: () => AppDir, done: (app: AppDir) => void = () => undefined): Promise<number[]> {
  const times: number[] = [];
  for (let i = 0; i < 4; i++) {
    const app = next();
    const server = await startServe(app.file, serverNodeArgs(), app.dir);
    await server.stop();
    done(app);
    if (i > 0) times.push(server.startMs);
  }
  return times;
}

/** The default-app figures: embedded on disk, then PostgreSQL, then start times. */
export async function appFigures(ctx: BenchContext): Promise<void> {
  const app = defaultAppDir();
  try {
    const server = await startServe(app.file, serverNodeArgs(), app.dir);
    try {
      checked(await runLoad(server.url, 1, 0.2, createUser('idle')), 'idle');
      await new Promise((r) => setTimeout(r, 1000));
      ctx.report.record(
        { id: 'rss_embedded_idle', title: 'server RSS, idle (the default app, embedded store on disk)', unit: 'MB', lowerIsBetter: true },
        [server.rssMb()],
      );
      const rss = await createUserFigure(
        ctx,
        server,
        'http_embedded_app',
        'the default app: CreateUser over HTTP, embedded store on disk, 16 clients',
        16,
        'B5',
      );
      ctx.report.record(
        { id: 'rss_embedded_load', title: 'server RSS, peak under the http_embedded_app load', unit: 'MB', lowerIsBetter: true },
        rss,
      );
    } finally {
      await server.stop();
    }
    const warm = await startTimes(() => app);
    ctx.report.record(
      {
        id: 'warm_start',
        title: 'tusk-es serve of the default app to its first /health, data dir of the load above',
        unit: 'ms',
        lowerIsBetter: true,
      },
      warm,
    );
    const cold = await startTimes(
      () => defaultAppDir(),
      (fresh) => fresh.remove(),
    );
    ctx.report.record(
      { id: 'cold_start', title: 'tusk-es serve of the default app to its first /health, fresh data dir', unit: 'ms', lowerIsBetter: true },
      cold,
    );
  } finally {
    app.remove();
  }

  const pgApp = defaultAppDir(await ctx.newDatabase());
  try {
    const server = await startServe(pgApp.file, serverNodeArgs(), pgApp.dir);
    try {
      await createUserFigure(ctx, server, 'http_pg_app', 'the default app: CreateUser over HTTP, PostgreSQL store, 64 clients', 64, 'B1');
    } finally {
      await server.stop();
    }
  } finally {
    pgApp.remove();
  }
}
