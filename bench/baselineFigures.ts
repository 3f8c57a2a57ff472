/**
 * Measures the five same-run baselines of issue 8 (bench/baselines.ts) before any figure, and
 * keeps them runnable: a figure with a baseline pairs its runs with runs of it (Report.figure).
 */
import pg from 'pg';
import type { BenchContext } from './BenchContext.js';
import { b1OneRowInserts, b2MultiRowInsert, b3Copy, b4SelectFold, b5PgliteOneRow } from './baselines.js';

/** B1–B4 on a fresh database of the run's PostgreSQL, B5 on PGlite in memory; resolves to their cleanup. */
export async function baselineFigures(ctx: BenchContext): Promise<() => Promise<void>> {
  // B1 needs 8 connections at once; the others use one at a time.
  const pool = new pg.Pool({ connectionString: await ctx.newDatabase(), max: 8 });
  pool.on('error', () => undefined);
  try {
    await ctx.report.baseline('B1', 'one-row INSERT transactions, 8 clients (plain pg)', 'rows/s', () =>
      b1OneRowInserts(pool, ctx.runSeconds),
    );
    await ctx.report.baseline('B2', 'multi-row INSERT, 1,000 rows per statement, 100,000 rows (plain pg)', 'rows/s', () =>
      b2MultiRowInsert(pool),
    );
    await ctx.report.baseline('B3', 'COPY of the same 100,000 rows (plain pg)', 'rows/s', () => b3Copy(pool));
    await ctx.report.baseline('B4', 'plain SELECT and fold of a 10,000-event stream (plain pg)', 'events/s', () => b4SelectFold(pool));
    await ctx.report.baseline('B5', 'PGlite one-row transactions, in process, in memory', 'rows/s', () => b5PgliteOneRow(ctx.runSeconds));
  } catch (err) {
    await pool.end();
    throw err;
  }
  return () => pool.end();
}
