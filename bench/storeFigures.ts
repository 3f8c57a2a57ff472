/**
 * Store figures: appends through the EventStore API (1 event per call, 1/8/64 concurrent
 * streams; `append_64` is held against B1), and the global log read.
 */
import type { EventStore, ExpectedVersion } from '../src/store/EventStore.js';
import type { BenchContext } from './BenchContext.js';
import { benchEvent, openPgStore } from './fixtures.js';
import { rate, runFor } from './harness.js';

/**
 * `clients` loops, each appending one event per call to its own stream with the version it
 * last saw (as a command does), for `seconds`; returns appends/s.
 */
export function appendRate(store: EventStore, clients: number, seconds: number, prefix: string): Promise<number> {
  const versions: ExpectedVersion[] = Array.from({ length: clients }, () => 'no_stream');
  return runFor(clients, seconds, async (client, i) => {
    const result = await store.append({
      streamType: 'cart',
      streamId: `${prefix}-${client}`,
      expectedVersion: versions[client]!,
      events: [benchEvent(i)],
    });
    versions[client] = result.events[0]!.version;
  });
}

/** The store append figures and the log read, on a fresh database. */
export async function storeFigures(ctx: BenchContext): Promise<void> {
  const store = await openPgStore(await ctx.newDatabase());
  try {
    let run = 0;
    for (const streams of [1, 8, 64]) {
      await ctx.report.figure(
        {
          id: `append_${streams}`,
          title: `store appends, 1 event per call, ${streams} concurrent stream${streams === 1 ? '' : 's'}`,
          unit: 'events/s',
          ...(streams === 64 ? { baseline: 'B1' as const } : {}),
        },
        () => appendRate(store, streams, ctx.runSeconds, `a${streams}-${run++}`),
      );
    }
    const total = (await store.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${store.tables.events}`)).rows[0]!.n;
    await ctx.report.figure(
      { id: 'log_read', title: `global log read (readAll, pages of 1,000; ${total.toLocaleString('en-US')} events)`, unit: 'events/s' },
      () =>
        rate(total, async () => {
          let after = 0;
          let seen = 0;
          for (;;) {
            const page = await store.readAll({ after, limit: 1000 });
            if (page.length === 0) break;
            seen += page.length;
            after = page[page.length - 1]!.position;
          }
          if (seen !== total) throw new Error(`log read saw ${seen} of ${total} events`);
        }),
    );
  } finally {
    await store.close();
  }
}
