/**
 * The two back ends agree: random expressions over random events and rows (nulls included)
 * give the same value from the evaluator and from the SQL compiler run by a real PostgreSQL
 * (PGlite, in process). A run-time error must be an error in both.
 */
import type { PGlite } from '@electric-sql/pglite';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newPglite } from '../support/pglite.js';
import { compileExpression, compileToSql, parseExpression, type CompiledExpression, type CompiledSql } from '../../src/expr/index.js';
import { COLUMNS, exprs, rootsArb, rowArb } from './arbitraries.js';

let db: PGlite;
beforeAll(async () => {
  db = await newPglite();
});
afterAll(() => db.close());

const names = Object.keys(COLUMNS) as (keyof typeof COLUMNS)[];
const rowSql = `(VALUES (${names.map((c, i) => `$${i + 1}::${COLUMNS[c]}`).join(', ')})) AS t(${names.join(', ')})`;
const NOW = new Date('2024-06-01T12:00:00.000Z');

/** -0 and 0 are the same value to a user (JSON has no -0). */
function plain(v: unknown): unknown {
  if (typeof v === 'number') return v + 0;
  if (Array.isArray(v)) return v.map(plain);
  if (typeof v === 'object' && v !== null) return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, plain(x)]));
  return v;
}

type Outcome = { value: unknown } | { error: string };

const isRangeError = (o: Outcome) => 'error' in o && /out of range/.test(o.error);

async function viaSql(
  compiled: CompiledSql,
  roots: Record<string, unknown>,
  row: Record<string, unknown>,
): Promise<Outcome & { sql: string }> {
  // the row's values take the first placeholders, so the fragment starts after them
  const fragment = compiled({ roots, fields: {}, now: NOW }, names.length + 1);
  const rowValues = names.map((c) => (COLUMNS[c] === 'jsonb' ? JSON.stringify(row[c]) : row[c]));
  try {
    const result = await db.query<{ v: unknown }>(`SELECT (${fragment.sql}) AS v FROM ${rowSql}`, [...rowValues, ...fragment.values]);
    return { value: plain(result.rows[0]!.v), sql: fragment.sql };
  } catch (e) {
    return { error: (e as Error).message, sql: fragment.sql };
  }
}

function viaEvaluator(compiled: CompiledExpression, roots: Record<string, unknown>, row: Record<string, unknown>): Outcome {
  try {
    return { value: plain(compiled({ roots, fields: row, now: NOW })) };
  } catch (e) {
    return { error: (e as Error).message };
  }
}

describe('evaluator and SQL compiler agree', () => {
  it('on random expressions, events and rows', async () => {
    await fc.assert(
      fc.asyncProperty(exprs.any, fc.array(fc.tuple(rootsArb, rowArb), { minLength: 4, maxLength: 4 }), async (text, cases) => {
        const { ast, diagnostics } = parseExpression(text);
        expect(diagnostics).toEqual([]);
        // compiled once and called per case, as the engine does: the SQL cache is exercised too
        const evaluator = compileExpression(ast!);
        const sqlCompiled = compileToSql(ast!, { columns: COLUMNS });
        for (const [roots, row] of cases) {
          const { sql, ...fromSql } = await viaSql(sqlCompiled, roots, row);
          const fromEvaluator = viaEvaluator(evaluator, roots, row);
          const context = `${text}\nsql says ${JSON.stringify(fromSql)}, evaluator says ${JSON.stringify(fromEvaluator)}\nroots=${JSON.stringify(roots)}\nrow=${JSON.stringify(row)}\nsql=${sql}`;
          // float8 overflow/underflow raise in both, but each back end may skip an operand whose
          // value cannot matter (PostgreSQL folds strict functions of NULL), so only agreement
          // on "fails" is required there
          if (isRangeError(fromEvaluator) || isRangeError(fromSql)) continue;
          if ('error' in fromEvaluator || 'error' in fromSql)
            expect({ evaluatorFails: 'error' in fromEvaluator, sqlFails: 'error' in fromSql, context }).toEqual({
              evaluatorFails: true,
              sqlFails: true,
              context,
            });
          else expect({ value: fromSql.value, context }).toEqual({ value: fromEvaluator.value, context });
        }
      }),
      { numRuns: Number(process.env.EXPR_AGREEMENT_RUNS ?? 400) },
    );
  });
});
