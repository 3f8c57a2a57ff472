/**
 * HTTP figures against the real `tusk-es serve` (a child process on the run's PostgreSQL):
 * commands/s from 64 clients on distinct streams (`http_64`, against B1) and from 16 clients
 * on one stream, command latency p50/p99 at half of the peak rate, and the server's RSS idle
 * and under load. Client, server and PostgreSQL share the machine's cores.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BenchContext } from './BenchContext.js';
import { checked, quantile, runLoad, type LoadRequest } from './httpLoad.js';
import { peakRss, serverNodeArgs, startServe } from './ServerProcess.js';

/** The bench app: the cart of bench/fixtures.ts, with snapshots as config/app.tsk has them. */
export function appFile(pgUrl: string): string {
  return `server = { log_level = "warn" }
event_store = { type = "postgresql", connection = "${pgUrl}" }
aggregates = {
    cart = {
        snapshot_frequency = 100
        state = { total = 0, count = 0 }
        commands = {
            Open = { creates = true, emits = "CartOpened" }
            AddItem = {
                input = { sku = "string", quantity = { type = "integer", min = 1 }, unit_price = { type = "number", min = 0 } }
                require = [{ when = "count < 1000000", message = "cart is full" }]
                emits = "ItemAdded"
            }
        }
        apply = { ItemAdded = { total = "total + data.quantity * data.unit_price", count = "count + 1" } }
    }
}
`;
}

const item = (i: number) => JSON.stringify({ sku: `sku-${i}`, quantity: 1 + (i % 5), unit_price: 9.5 });

/** Client c's i-th command: it opens its own cart first, then adds items to it. */
export function distinctStreams(prefix: string): (client: number, i: number) => LoadRequest {
  return (client, i) =>
    i === 0
      ? { path: `/aggregates/cart/${prefix}-${client}/commands/Open`, body: '{}' }
      : { path: `/aggregates/cart/${prefix}-${client}/commands/AddItem`, body: item(i) };
}

/** The HTTP figures, on a fresh database. */
export async function httpFigures(ctx: BenchContext): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'tusk-bench-'));
  const file = join(dir, 'app.tsk');
  writeFileSync(file, appFile(await ctx.newDatabase()));
  const server = await startServe(file, serverNodeArgs());
  try {
    // Idle: started, one command served (so the lazily built parts exist), nothing in flight.
    checked(await runLoad(server.url, 1, 0.2, distinctStreams('idle')), 'idle');
    await new Promise((r) => setTimeout(r, 1000));
    ctx.report.record({ id: 'rss_idle', title: 'server RSS, idle (tusk-es serve, PostgreSQL store)', unit: 'MB', lowerIsBetter: true }, [
      server.rssMb(),
    ]);

    let run = 0;
    const rssUnderLoad: number[] = [];
    const http64 = await ctx.report.figure(
      { id: 'http_64', title: 'HTTP commands, 64 clients on distinct streams (keep-alive)', unit: 'commands/s', baseline: 'B1' },
      async () => {
        let rate = 0;
        const rss = await peakRss(server, async () => {
          rate = checked(await runLoad(server.url, 64, ctx.runSeconds, distinctStreams(`h${run++}`)), 'http_64').rate;
        });
        rssUnderLoad.push(rss);
        return rate;
      },
    );
    ctx.report.record(
      { id: 'rss_load', title: 'server RSS, peak under the http_64 load', unit: 'MB', lowerIsBetter: true },
      rssUnderLoad.slice(1),
    );

    await ctx.report.figure(
      { id: 'http_16_one', title: 'HTTP commands, 16 clients on one stream (no If-Match: serialised, none lost)', unit: 'commands/s' },
      async () => {
        const cart = `one-${run++}`;
        const open = await fetch(`${server.url}/aggregates/cart/${cart}/commands/Open`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: '{}',
        });
        if (open.status !== 200) throw new Error(`opening the cart answered ${open.status}`);
        return checked(
          await runLoad(server.url, 16, ctx.runSeconds, (_c, i) => ({ path: `/aggregates/cart/${cart}/commands/AddItem`, body: item(i) })),
          'http_16_one',
        ).rate;
      },
    );

    // Latency at half the peak: 64 paced clients on distinct streams.
    const target = http64.median / 2;
    const p50: number[] = [];
    const p99: number[] = [];
    for (let i = 0; i < 4; i++) {
      const result = checked(
        await runLoad(server.url, 64, ctx.runSeconds, distinctStreams(`l${run++}`), { ratePerSecond: target }),
        'latency',
      );
      if (i === 0) continue; // warm-up
      p50.push(quantile(result.latencies, 0.5));
      p99.push(quantile(result.latencies, 0.99));
    }
    const at = `${Math.round(target).toLocaleString('en-US')} commands/s, half of http_64`;
    ctx.report.record({ id: 'latency_p50', title: `command latency p50 at ${at}`, unit: 'ms', lowerIsBetter: true }, p50);
    ctx.report.record({ id: 'latency_p99', title: `command latency p99 at ${at}`, unit: 'ms', lowerIsBetter: true }, p99);
  } finally {
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}
