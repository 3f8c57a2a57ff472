/** What running one scenario test gives: its verdict and, when it failed, why. */
import type { SourceLocation } from '../diagnostics.js';

/** One expectation that did not hold. */
export interface Failure {
  /** The `then*` key (or `when`) that failed. */
  what: string;
  message: string;
  /** The expected value and the actual one cut to its shape, for a diff. */
  expected?: unknown;
  actual?: unknown;
}

/** The outcome of one scenario. */
export interface ScenarioResult {
  name: string;
  location?: SourceLocation;
  failures: Failure[];
  durationMs: number;
}

/** The outcome of a whole suite (one app and its *.test.tsk files). */
export interface SuiteResult {
  file: string;
  scenarios: ScenarioResult[];
  durationMs: number;
}
