/**
 * Shard figures (issue 20 item 4): `append_64` spread over 2 shards against 1 shard, in the same
 * run. Tenancy mode "database" gives each tenant a store of its own on its shard, each with its
 * own log and append lock; here two tenant stores sit on two PostgreSQL servers (the run's, and
 * a second one started for this group with the same durability settings), 32 appending streams
 * each, against 64 streams of one tenant store on the run's server. Both share the machine's
 * cores, so the figure shows what a second append lock and a second WAL buy on one machine,
 * not what a second machine would.
 */
import { createTestDatabase, startPostgres } from '../test/support/postgres.js';
import type { BenchContext } from './BenchContext.js';
import { openPgStore } from './fixtures.js';
import { appendRate } from './storeFigures.js';

const CLIENTS = 64;

/** append_64_2shards against append_64_1shard, runs alternating. */
export async function shardFigures(ctx: BenchContext): Promise<void> {
  ctx.note('starting a second PostgreSQL (the second shard)');
  const second = await startPostgres({ fsync: true });
  const stores = [await openPgStore(await ctx.newDatabase()), await openPgStore(await createTestDatabase(second.url))] as const;
  const one = await openPgStore(await ctx.newDatabase());
  try {
    let run = 0;
    const twoShards = async () => {
      const prefix = `s2-${run++}`;
      const rates = await Promise.all(stores.map((store, i) => appendRate(store, CLIENTS / 2, ctx.runSeconds, `${prefix}-${i}`)));
      return rates[0]! + rates[1]!;
    };
    const oneShard = () => appendRate(one, CLIENTS, ctx.runSeconds, `s1-${run++}`);
    await ctx.report.figure(
      {
        id: 'append_64_1shard',
        title: 'store appends, 1 event per call, 64 concurrent streams of one tenant store on 1 shard',
        unit: 'events/s',
      },
      oneShard,
    );
    await ctx.report.compare(
      {
        id: 'append_64_2shards',
        title: 'store appends, 1 event per call, 64 concurrent streams spread over 2 tenant stores on 2 shards (2 PostgreSQL servers)',
        unit: 'events/s',
      },
      twoShards,
      { id: 'append_64_1shard', fn: oneShard },
    );
  } finally {
    await Promise.all([...stores, one].map((s) => s.close()));
    await second.stop();
  }
}
