/**
 * `GET /projections/{name}?status=pending&order=-created_at&limit=20&offset=0`: limit, offset
 * and order are reserved (and min_position and wait, see parseReadAfter.ts); every other parameter filters a column by equality (repeated: any of
 * the values). Column names are checked against the table in queryRows.ts.
 */
import { InvalidInputError } from '../../errors.js';
import { intParam, listParam } from '../../http/requestParams.js';
import { READ_AFTER_PARAMS } from './parseReadAfter.js';
import type { RowQuery } from './queryRows.js';

export const DEFAULT_LIMIT = 100;
export const MAX_LIMIT = 1000;

/** The page request of a query string. */
export function parseRowQuery(query: Record<string, unknown>): RowQuery {
  const filters = new Map<string, string[]>();
  for (const [name, value] of Object.entries(query)) {
    if (name === 'limit' || name === 'offset' || name === 'order' || READ_AFTER_PARAMS.has(name)) continue;
    const values = (Array.isArray(value) ? value : [value]).map((v) => {
      if (typeof v !== 'string')
        throw new InvalidInputError(`filter ${JSON.stringify(name)} must be a text value`, undefined, 'BAD_REQUEST');
      return v;
    });
    filters.set(name, values);
  }
  return {
    filters,
    order: listParam(query.order, 'order') ?? [],
    limit: intParam(query.limit, 'limit', { min: 1, max: MAX_LIMIT }) ?? DEFAULT_LIMIT,
    offset: intParam(query.offset, 'offset') ?? 0,
  };
}
