/** What every figure group of `npm run bench` shares: the PostgreSQL of the run and the report. */
import type { Report } from './Report.js';

/** The run's servers and results. */
export interface BenchContext {
  /** Superuser URL of the run's PostgreSQL (fsync and synchronous_commit on). */
  pgUrl: string;
  /** A fresh empty database on that server; returns its URL. */
  newDatabase(): Promise<string>;
  report: Report;
  /** Seconds each timed run of a rate figure lasts (shorter with --quick). */
  runSeconds: number;
  /** Seconds the soak lasts (--soak-seconds; default 600, the real figure). */
  soakSeconds: number;
  /** Prints a progress line (not part of the results). */
  note(line: string): void;
}

/** A group of figures (one module each); it sets up and tears down what it needs. */
export type FigureGroup = (ctx: BenchContext) => Promise<void>;
