/**
 * A key value as the key column will hold it, as text: two upserts whose keys give the same
 * text touch the same row, so they must not share one multi-row statement (PostgreSQL refuses
 * an INSERT … ON CONFLICT DO UPDATE that reaches one row twice).
 */
import { columnClass } from '../../expr/index.js';
import { valueText } from '../../util/valueText.js';

/** The text of `value` stored into a column of type `type`; undefined for null (no row key). */
export function keyText(value: unknown, type: string): string | undefined {
  if (value === null || value === undefined) return undefined;
  switch (columnClass(type)) {
    case 'integer':
    case 'numeric':
    case 'float8': {
      const n = typeof value === 'number' ? value : typeof value === 'string' ? Number(value) : Number.NaN;
      if (!Number.isFinite(n)) return `?${JSON.stringify(value)}`;
      return String(columnClass(type) === 'integer' ? Math.sign(n) * Math.round(Math.abs(n)) : n);
    }
    case 'timestamptz':
    case 'timestamp':
    case 'date': {
      const ms = typeof value === 'string' ? Date.parse(value) : Number.NaN;
      return Number.isNaN(ms) ? `?${JSON.stringify(value)}` : String(ms);
    }
    case 'other':
      return typeof value === 'string' ? value.toLowerCase() : JSON.stringify(value);
    default:
      return valueText(value);
  }
}
