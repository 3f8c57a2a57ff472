/** What GET /admin/api/metrics answers (a type the admin page shares). */

/** Totals since the process started. */
export interface MetricsSnapshot {
  /** Milliseconds since the epoch when the snapshot was taken. */
  at: number;
  commands: number;
  command_errors: number;
  events: number;
  http_requests: number;
  /** `[upper bound in seconds, cumulative count]`, the last bound being Infinity (as null). */
  command_latency: [number | null, number][];
}
