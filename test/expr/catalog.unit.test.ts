/** The function catalog, the evaluator, the SQL compiler and the docs name the same functions. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { BUILTINS } from '../../src/expr/evaluate/builtins.js';
import { FUNCTIONS } from '../../src/expr/index.js';
import { SQL_FUNCTIONS } from '../../src/expr/sql/sqlFunctions.js';

const SPEC_FUNCTIONS =
  'COALESCE CONCAT LOWER UPPER TRIM LENGTH ROUND FLOOR CEIL ABS GREATEST LEAST NOW APPEND REMOVE SUM COUNT CONTAINS SPLIT_PART'.split(' ');

it('implements exactly the functions of SPEC §4 in both back ends', () => {
  expect(Object.keys(FUNCTIONS).sort()).toEqual([...SPEC_FUNCTIONS].sort());
  expect(Object.keys(BUILTINS).sort()).toEqual([...SPEC_FUNCTIONS].sort());
  expect(Object.keys(SQL_FUNCTIONS).sort()).toEqual([...SPEC_FUNCTIONS].sort());
});

it('documents every function', () => {
  const readme = readFileSync(join(import.meta.dirname, '../../src/expr/README.md'), 'utf8');
  for (const name of SPEC_FUNCTIONS) expect(readme).toMatch(new RegExp(`\`${name}\\(`));
});
