/**
 * Collects the figures of one `npm run bench`: measures each (warm-up + 3 runs), prints it
 * beside its baseline as soon as it is known, and keeps skipped figures with their reason.
 */
import { fmt, measure, summarise, type BaselineId, type FigureResult, type Measure, type Unit } from './harness.js';

/** What a figure is. */
export interface FigureSpec {
  id: string;
  title: string;
  unit: Unit;
  baseline?: BaselineId;
  /** Lower is better (times, memory): the ratio is then baseline / figure. Default: higher is better. */
  lowerIsBetter?: boolean;
}

/** A figure that could not be measured in this run. */
export interface SkippedFigure {
  id: string;
  title: string;
  reason: string;
}

/**
 * The targets: a number is a least ratio to the same-run baseline (issue 8, issue 21's HTTP
 * figures); `atMost` / `atLeast` bound the median itself (issue 21's start times, memory and
 * soak, which have no baseline: a time to /health or a share of the first minute's rate).
 */
export type Target = number | { atMost: number } | { atLeast: number };

export const TARGETS: Readonly<Record<string, Target>> = {
  append_64: 2.5,
  http_64: 1.2,
  load_10k: 0.8,
  rebuild_100k: 0.5,
  embedded_64: 3,
  http_embedded_app: 0.25,
  http_pg_app: 1,
  soak_app: { atLeast: 90 },
  soak_rss_growth: { atMost: 10 },
  cold_start: { atMost: 2000 },
  warm_start: { atMost: 1000 },
  rss_embedded_idle: { atMost: 200 },
  rss_embedded_load: { atMost: 300 },
  // issue 18: the whole check pipeline, one core
  parse_1mb: { atMost: 100 },
  parse_10mb: { atMost: 1000 },
  parse_rss: { atMost: 20 },
  parse_linearity: { atMost: 1.2 },
  // issue 19: tracing every command costs at most 15% of http_64
  tracing_cost: { atMost: 15 },
  // issue 16: a partitioned events table within 10% of the unpartitioned one, same run
  append_64_hash: 0.9,
  load_10k_hash: 0.9,
  append_64_archived: 0.9,
  load_10k_archived: 0.9,
};

/** Whether `r` meets `target` (undefined: not measured against it in this run). */
function meets(target: Target, r: FigureResult): boolean | undefined {
  if (typeof target === 'number') return r.ratio === null ? undefined : r.ratio >= target;
  return 'atMost' in target ? r.median <= target.atMost : r.median >= target.atLeast;
}

/** How a target reads in the run's output. */
function describeTarget(target: Target): string {
  if (typeof target === 'number') return `${target}×`;
  return 'atMost' in target ? `≤ ${fmt(target.atMost)}` : `≥ ${fmt(target.atLeast)}`;
}

/** The results of a run. */
export class Report {
  readonly results: FigureResult[] = [];
  readonly skipped: SkippedFigure[] = [];
  readonly baselines: Partial<Record<BaselineId, number>> = {};
  /** How to run each baseline again, to pair its runs with a figure's (set by baselineFigures). */
  readonly baselineRuns: Partial<Record<BaselineId, Measure>> = {};

  constructor(private readonly log: (line: string) => void = (line) => process.stdout.write(line + '\n')) {}

  /** Measures a baseline (same protocol as a figure), remembers its median and how to run it again. */
  async baseline(id: BaselineId, title: string, unit: Unit, fn: Measure): Promise<void> {
    const m = await measure(fn);
    this.baselines[id] = m.median;
    this.baselineRuns[id] = fn;
    this.push({ id: `baseline_${id}`, title: `${id}: ${title}`, unit }, m, null, null);
  }

  /**
   * Measures a figure (warm-up + 3 runs) and prints it beside its baseline. A figure with a
   * baseline alternates its runs with runs of that baseline (warm-up pair, then 3 pairs, the
   * order swapped every pair) and is read against the median of those: on a machine shared with
   * other work, a baseline measured minutes earlier is not the same machine.
   */
  async figure(spec: FigureSpec, fn: Measure, runs = 3, warmup = 1): Promise<FigureResult> {
    const against = spec.baseline === undefined ? undefined : this.baselineRuns[spec.baseline];
    if (against === undefined)
      return this.push(
        spec,
        await measure(fn, runs, warmup),
        spec.baseline ?? null,
        spec.baseline === undefined ? null : (this.baselines[spec.baseline] ?? null),
      );
    const { samples, base } = await alternate(fn, against, runs, warmup);
    return this.push(spec, summarise(samples), spec.baseline!, summarise(base).median);
  }

  /**
   * Measures a figure against another measure of the same run (not a baseline: e.g. the same
   * figure on an unpartitioned table), runs alternating as in `figure`; the ratio is figure / other.
   */
  async compare(spec: FigureSpec, fn: Measure, other: { id: string; fn: Measure }, runs = 3, warmup = 1): Promise<FigureResult> {
    const { samples, base } = await alternate(fn, other.fn, runs, warmup);
    return this.push(spec, summarise(samples), null, summarise(base).median, other.id);
  }

  /** Records a figure measured elsewhere (e.g. percentiles of one load run). */
  record(spec: FigureSpec, samples: readonly number[]): FigureResult {
    return this.push(spec, summarise(samples), null, null);
  }

  /** Notes a figure that cannot be measured now, with the reason (printed as "skipped: …"). */
  skip(id: string, title: string, reason: string): void {
    this.skipped.push({ id, title, reason });
    this.log(`${id.padEnd(22)} skipped: ${reason}`);
  }

  /** The target figures: met, missed (below the target) and not measured in this run. */
  targets(): { met: string[]; missed: string[]; notMeasured: string[] } {
    const out = { met: [] as string[], missed: [] as string[], notMeasured: [] as string[] };
    for (const [id, target] of Object.entries(TARGETS)) {
      const r = this.results.find((x) => x.id === id);
      const met = r === undefined ? undefined : meets(target, r);
      if (met === undefined) out.notMeasured.push(id);
      else (met ? out.met : out.missed).push(id);
    }
    return out;
  }

  private push(
    spec: FigureSpec,
    m: { median: number; min: number; max: number },
    baseline: BaselineId | null,
    base: number | null,
    otherId?: string,
  ): FigureResult {
    const ratio = base === null || base === 0 ? null : spec.lowerIsBetter === true ? base / m.median : m.median / base;
    const result: FigureResult = {
      id: spec.id,
      title: spec.title,
      median: m.median,
      min: m.min,
      max: m.max,
      unit: spec.unit,
      baseline,
      baselineMedian: base,
      ratio,
    };
    this.results.push(result);
    const target = TARGETS[spec.id];
    const met = target === undefined ? undefined : meets(target, result);
    const verdict = met === undefined ? '' : ` (target ${describeTarget(target!)}: ${met ? 'met' : 'MISSED'})`;
    const label = baseline ?? otherId ?? null;
    const against = label === null || base === null ? '' : `   ${label} ${fmt(base)}  ratio ${ratio!.toFixed(2)}×`;
    this.log(
      `${spec.id.padEnd(22)} ${fmt(m.median).padStart(10)} ${spec.unit.padEnd(10)} (min ${fmt(m.min)}, max ${fmt(m.max)})${against}${verdict}   ${spec.title}`,
    );
    return result;
  }
}

/** Runs `fn` and `against` in pairs (warm-up pairs first, the order swapped every pair). */
async function alternate(fn: Measure, against: Measure, runs: number, warmup: number): Promise<{ samples: number[]; base: number[] }> {
  const base: number[] = [];
  const samples: number[] = [];
  for (let i = 0; i < warmup + runs; i++) {
    const pair = i % 2 === 0 ? [await against(), await fn()] : [await fn(), await against()].reverse();
    if (i < warmup) continue;
    base.push(pair[0]!);
    samples.push(pair[1]!);
  }
  return { samples, base };
}
