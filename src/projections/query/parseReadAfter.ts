/**
 * Read-your-writes on projection reads: `?min_position=P&wait=MS` answers only once the
 * projection has applied every event up to position P (a command's answer carries its
 * `position`), waiting at most `wait` ms (default 5000, at most 60000).
 */
import { intParam } from '../../http/requestParams.js';

/** The reserved query parameters of read-your-writes. */
export const READ_AFTER_PARAMS: ReadonlySet<string> = new Set(['min_position', 'wait']);

/** What a read waits for. */
export interface ReadAfter {
  minPosition: number;
  waitMs: number;
}

export const DEFAULT_WAIT_MS = 5_000;
export const MAX_WAIT_MS = 60_000;

/** The wait a query string asks for; undefined without `min_position`. */
export function parseReadAfter(query: Record<string, unknown>): ReadAfter | undefined {
  const minPosition = intParam(query.min_position, 'min_position');
  const waitMs = intParam(query.wait, 'wait', { max: MAX_WAIT_MS }) ?? DEFAULT_WAIT_MS;
  return minPosition === undefined ? undefined : { minPosition, waitMs };
}
