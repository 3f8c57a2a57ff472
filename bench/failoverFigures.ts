/**
 * Failover figures (issue 15): two `tusk-es serve` processes on an HA PostgreSQL (etcd, Patroni
 * with a synchronous standby, HAProxy; test/support/haCluster.ts) under a command load; the
 * primary's postmaster is SIGKILLed, and the figure is the time from that kill to the first
 * command that was sent after it and acknowledged. A warm-up kill, then 3, each after the
 * cluster is whole again (the old primary back as the synchronous standby).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { LOAD_AGGREGATE, startCommandLoad } from '../test/support/commandLoad.js';
import { startHaCluster, type HaCluster } from '../test/support/haCluster.js';
import { waitUntil } from '../test/support/processes.js';
import type { BenchContext } from './BenchContext.js';
import { startServe, type ServerProcess } from './ServerProcess.js';

const KILLS = 4;

/** One kill under load: ms to the first acknowledged command, and to the new primary. */
async function failover(
  cluster: HaCluster,
  servers: readonly ServerProcess[],
  run: number,
): Promise<{ command: number; promoted: number }> {
  await cluster.waitHealthy();
  const load = startCommandLoad(
    servers.map((s) => s.url),
    { workers: 8, prefix: `r${run}-` },
  );
  try {
    await waitUntil('commands acknowledged before the kill', () => load.acked().length >= 20, { timeoutMs: 60_000 });
    const primary = (await cluster.primary())!;
    const killedAt = performance.now();
    process.kill(cluster.postmasterPid(primary), 'SIGKILL');
    let promoted = 0;
    await waitUntil(
      'a command acknowledged after the kill',
      async () => {
        if (promoted === 0) {
          const now = await cluster.primary();
          if (now !== undefined && now.name !== primary.name) promoted = performance.now() - killedAt;
        }
        return load.firstAckAfter(killedAt) !== undefined;
      },
      { timeoutMs: 120_000 },
    );
    return { command: load.firstAckAfter(killedAt)!.endedAt - killedAt, promoted };
  } finally {
    await load.stop();
  }
}

/** The failover figures. */
export async function failoverFigures(ctx: BenchContext): Promise<void> {
  ctx.note('starting etcd, two Patroni nodes and HAProxy');
  const cluster = await startHaCluster();
  const dir = mkdtempSync(join(tmpdir(), 'tusk-bench-failover-'));
  const servers: ServerProcess[] = [];
  try {
    const admin = new pg.Client({ connectionString: cluster.url });
    await admin.connect();
    await admin.query('CREATE DATABASE tusk');
    await admin.end();
    const url = new URL(cluster.url);
    url.pathname = '/tusk';
    writeFileSync(
      join(dir, 'app.tsk'),
      `server = { log_level = "warn" }\nevent_store = { type = "postgresql", connection = "${url.toString()}" }\naggregates = {${LOAD_AGGREGATE}\n}\n`,
    );
    servers.push(await startServe('app.tsk', [], dir), await startServe('app.tsk', [], dir));
    const commands: number[] = [];
    const promotions: number[] = [];
    for (let run = 0; run < KILLS; run++) {
      const { command, promoted } = await failover(cluster, servers, run);
      ctx.note(
        `kill ${run + 1}${run === 0 ? ' (warm-up)' : ''}: new primary after ${Math.round(promoted)} ms, first acknowledged command after ${Math.round(command)} ms`,
      );
      if (run === 0) continue;
      commands.push(command);
      promotions.push(promoted);
    }
    ctx.report.record(
      {
        id: 'failover',
        title: 'primary SIGKILLed under load → first acknowledged command (2 serve, Patroni + HAProxy)',
        unit: 'ms',
        lowerIsBetter: true,
      },
      commands,
    );
    ctx.report.record(
      {
        id: 'failover_promote',
        title: 'primary SIGKILLed → the standby answers /primary on its Patroni REST API (what HAProxy checks)',
        unit: 'ms',
        lowerIsBetter: true,
      },
      promotions,
    );
  } finally {
    for (const s of servers) await s.stop();
    await cluster.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
