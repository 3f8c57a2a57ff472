/**
 * Rates and a latency quantile from two snapshots of the server's counters (GET
 * /admin/api/metrics): the page polls, and each pair of polls makes one point of each chart.
 */

import type { MetricsSnapshot } from '../../src/admin/MetricsSnapshot.js';

export type { MetricsSnapshot };

/** One chart point. */
export interface RatePoint {
  at: number;
  commandsPerSecond: number;
  eventsPerSecond: number;
  /** p99 command latency in milliseconds over the interval; null when no command ran. */
  p99Ms: number | null;
}

/** The point between `prev` and `next`. */
export function ratePoint(prev: MetricsSnapshot, next: MetricsSnapshot): RatePoint {
  const seconds = Math.max(0.001, (next.at - prev.at) / 1000);
  return {
    at: next.at,
    commandsPerSecond: Math.max(0, next.commands - prev.commands) / seconds,
    eventsPerSecond: Math.max(0, next.events - prev.events) / seconds,
    p99Ms: quantileMs(prev.command_latency, next.command_latency, 0.99),
  };
}

/**
 * The `q` quantile of the observations made between two cumulative histograms: the upper
 * bound of the first bucket that holds it (as Prometheus's histogram_quantile, without
 * interpolation); the largest finite bound when it falls in +Inf.
 */
export function quantileMs(prev: [number | null, number][], next: [number | null, number][], q: number): number | null {
  const before = new Map(prev.map(([le, n]) => [le, n]));
  const deltas = next.map(([le, n]) => [le, n - (before.get(le) ?? 0)] as const);
  const total = deltas.at(-1)?.[1] ?? 0;
  if (total <= 0) return null;
  let lastFinite = 0;
  for (const [le, n] of deltas) {
    if (le !== null) lastFinite = le;
    if (n >= q * total) return (le ?? lastFinite) * 1000;
  }
  return lastFinite * 1000;
}
