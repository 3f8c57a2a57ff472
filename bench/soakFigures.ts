/**
 * The soak (issue 21): the default app's order flow on the embedded store on disk for
 * `--soak-seconds` (default 600): 16 clients send `CreateOrder`, each starting the saga that
 * reserves stock and confirms the order. The rate of the last window (a minute, or a quarter of
 * a shorter run) is read against the first (`soak_app`, in %), and so are the sagas completed
 * and the server's peak RSS in each window (`soak_rss_growth`, in %: sampled 10 times a second,
 * since one reading swings by tens of MB as V8's old space is collected). Every window is
 * printed, so the run shows its curve.
 */
import type { BenchContext } from './BenchContext.js';
import { createOrder, createProduct, defaultAppDir, PRODUCTS } from './defaultApp.js';
import { checked, runLoad } from './httpLoad.js';
import { peakRss, serverNodeArgs, startServe, type ServerProcess } from './ServerProcess.js';

/** Sagas the server has completed so far (its /metrics). */
async function sagasCompleted(server: ServerProcess): Promise<number> {
  const text = await (await fetch(`${server.url}/metrics`)).text();
  const m = /^tusk_sagas_finished_total\{[^}]*status="completed"[^}]*\} (\d+)/m.exec(text);
  return m === null ? 0 : Number(m[1]);
}

/** One soak window's figures. */
interface SoakWindow {
  orders: number;
  sagas: number;
  /** Peak RSS during the window (MB). */
  rss: number;
}

/** One window of the soak: orders/s over HTTP, sagas completed per second, peak RSS; printed as it ends. */
async function soakWindow(ctx: BenchContext, server: ServerProcess, seconds: number, run: string): Promise<SoakWindow> {
  const before = await sagasCompleted(server);
  const cpu = server.cpuSeconds();
  const started = performance.now();
  let orders = 0;
  const rss = await peakRss(server, async () => {
    orders = checked(await runLoad(server.url, 16, seconds, createOrder(run)), `soak ${run}`).rate;
  });
  const elapsed = (performance.now() - started) / 1000;
  const sagas = ((await sagasCompleted(server)) - before) / elapsed;
  const cpuPerOrder = (1e6 * (server.cpuSeconds() - cpu)) / Math.max(1, orders * elapsed);
  ctx.note(
    `soak ${run}: ${orders.toFixed(1)} orders/s, ${sagas.toFixed(1)} sagas/s, server CPU ${cpuPerOrder.toFixed(0)} µs per order, RSS peak ${rss.toFixed(0)} MB, now ${server.rssMb().toFixed(0)} MB`,
  );
  return { orders, sagas, rss };
}

/** The soak figures. */
export async function soakFigures(ctx: BenchContext): Promise<void> {
  const window = Math.min(60, ctx.soakSeconds / 4);
  const app = defaultAppDir();
  try {
    const server = await startServe(app.file, serverNodeArgs(), app.dir);
    try {
      for (let k = 0; k < PRODUCTS; k++) {
        const { path, body } = createProduct(k);
        const res = await fetch(`${server.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
        if (res.status !== 200) throw new Error(`CreateProduct answered ${res.status}: ${await res.text()}`);
      }
      ctx.note(`soak: ${ctx.soakSeconds} s of the order flow, windows of ${window} s`);
      const first = await soakWindow(ctx, server, window, 'first');
      // The middle runs in windows too, so a failing command shows early.
      for (let left = ctx.soakSeconds - 2 * window, i = 0; left > 0; left -= 60, i++)
        await soakWindow(ctx, server, Math.min(60, left), `middle${i}`);
      const last = await soakWindow(ctx, server, window, 'last');
      const within = `(${window} s windows of a ${ctx.soakSeconds} s run)`;
      ctx.report.record(
        {
          id: 'soak_first',
          title: `the order flow: CreateOrder over HTTP, 16 clients, embedded on disk, first window ${within}`,
          unit: 'orders/s',
        },
        [first.orders],
      );
      ctx.report.record({ id: 'soak_last', title: `the order flow: last window ${within}`, unit: 'orders/s' }, [last.orders]);
      ctx.report.record({ id: 'soak_app', title: 'the order flow: last window against the first', unit: '%' }, [
        (100 * last.orders) / first.orders,
      ]);
      ctx.report.record({ id: 'soak_sagas_first', title: 'the order flow: sagas completed, first window', unit: 'sagas/s' }, [first.sagas]);
      ctx.report.record({ id: 'soak_sagas_last', title: 'the order flow: sagas completed, last window', unit: 'sagas/s' }, [last.sagas]);
      ctx.report.record(
        { id: 'soak_rss_first', title: 'the order flow: server RSS, peak of the first window', unit: 'MB', lowerIsBetter: true },
        [first.rss],
      );
      ctx.report.record(
        { id: 'soak_rss_last', title: 'the order flow: server RSS, peak of the last window', unit: 'MB', lowerIsBetter: true },
        [last.rss],
      );
      ctx.report.record(
        {
          id: 'soak_rss_growth',
          title: 'the order flow: peak RSS growth from the first window to the last',
          unit: '%',
          lowerIsBetter: true,
        },
        [(100 * (last.rss - first.rss)) / first.rss],
      );
    } finally {
      await server.stop();
    }
  } finally {
    app.remove();
  }
}
