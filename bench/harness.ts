/**
 * The benchmark harness: each figure runs once to warm up, then three times; we keep the
 * median, min and max, and the ratio to its same-run baseline.
 */

export type Unit =
  | 'events/s'
  | 'rows/s'
  | 'commands/s'
  | 'orders/s'
  | 'sagas/s'
  | 'reads/s'
  | 'ms'
  | 'MB'
  | 'MB/s'
  | '%'
  | '× input'
  | '×'
  | 'spans'
  | 'µs';

/** The same-run baselines of issue 8 (bench/baselines.ts). */
export type BaselineId = 'B1' | 'B2' | 'B3' | 'B4' | 'B5';

/** One line of bench/results.json. */
export interface FigureResult {
  id: string;
  title: string;
  median: number;
  min: number;
  max: number;
  unit: Unit;
  baseline: BaselineId | null;
  /** Median of the baseline runs paired with this figure's runs (see Report.figure). */
  baselineMedian: number | null;
  ratio: number | null;
}

/** A measurement returns one number per run (a rate, or a time for `ms`). */
export type Measure = () => Promise<number>;

/** Runs a measurement once to warm up, then `runs` times, and summarises. */
export async function measure(fn: Measure, runs = 3, warmup = 1): Promise<{ median: number; min: number; max: number; samples: number[] }> {
  for (let i = 0; i < warmup; i++) await fn();
  const samples: number[] = [];
  for (let i = 0; i < runs; i++) samples.push(await fn());
  return { ...summarise(samples), samples };
}

/** Median (of an even count: the mean of the middle two), min and max of some samples. */
export function summarise(samples: readonly number[]): { median: number; min: number; max: number } {
  const sorted = [...samples].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  const median = sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
  return { median, min: sorted[0]!, max: sorted[sorted.length - 1]! };
}

/** Rate of `count` operations done by `work`, per second. */
export async function rate(count: number, work: () => Promise<void>): Promise<number> {
  const start = process.hrtime.bigint();
  await work();
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  return count / seconds;
}

/** Milliseconds taken by `work`. */
export async function elapsedMs(work: () => Promise<void>): Promise<number> {
  const start = process.hrtime.bigint();
  await work();
  return Number(process.hrtime.bigint() - start) / 1e6;
}

/**
 * Runs `clients` async loops, each repeating `op` until `seconds` have passed; returns the
 * operations completed per second (an op that started in time is waited for and counted).
 */
export async function runFor(clients: number, seconds: number, op: (client: number, i: number) => Promise<void>): Promise<number> {
  const start = process.hrtime.bigint();
  const end = start + BigInt(Math.round(seconds * 1e9));
  let done = 0;
  await Promise.all(
    Array.from({ length: clients }, async (_, client) => {
      for (let i = 0; process.hrtime.bigint() < end; i++) {
        await op(client, i);
        done++;
      }
    }),
  );
  return done / (Number(process.hrtime.bigint() - start) / 1e9);
}

/** Formats a number for the results table. */
export function fmt(n: number): string {
  if (n >= 100) return Math.round(n).toLocaleString('en-US');
  return n.toFixed(n >= 10 ? 1 : 2);
}

/** The results as a Markdown table (the README shows the latest one). */
export function toMarkdown(results: readonly FigureResult[]): string {
  const lines = ['| figure | median | min | max | unit | baseline (paired median) | ratio |', '|---|---:|---:|---:|---|---|---:|'];
  for (const r of results) {
    const base = r.baseline ? `${r.baseline} (${fmt(r.baselineMedian ?? 0)})` : '—';
    lines.push(
      `| ${r.title} (\`${r.id}\`) | ${fmt(r.median)} | ${fmt(r.min)} | ${fmt(r.max)} | ${r.unit} | ${base} | ${r.ratio === null ? '—' : r.ratio.toFixed(2) + '×'} |`,
    );
  }
  return lines.join('\n');
}
