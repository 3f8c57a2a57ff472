/** The static checker: unknown names, arity and visible type errors, each located (SPEC §4). */
import { describe, expect, it } from 'vitest';
import type { SourceLocation } from '../../src/diagnostics.js';
import { COMMAND_ROOTS, EVENT_ROOTS, checkExpression, parseExpression, type CheckScope } from '../../src/expr/index.js';

const AT: SourceLocation = { file: 'app.tsk', line: 7, column: 20 };

const RULE: CheckScope = {
  roots: COMMAND_ROOTS,
  fields: ['status', 'items', 'total'],
  unknownField: 'warning',
  fieldNoun: 'state field',
  inputs: ['reason', 'quantity'],
  site: 'a require rule',
};
const PROJECTION: CheckScope = {
  roots: EVENT_ROOTS,
  fields: ['id', 'email', 'total_amount'],
  unknownField: 'error',
  fieldNoun: 'column',
  site: 'a projection mapping',
};
const SAGA: CheckScope = { roots: [...EVENT_ROOTS, 'saga'], site: 'a saga step' };

/** `line:col severity CODE message` per diagnostic. */
function check(text: string, scope: CheckScope = RULE): string[] {
  const { ast, diagnostics } = parseExpression(text, AT);
  expect(diagnostics).toEqual([]);
  return checkExpression(ast!, scope, AT).map((d) => `${d.location!.line}:${d.location!.column} ${d.severity} ${d.code} ${d.message}`);
}

describe('checkExpression', () => {
  it('accepts what the scope provides', () => {
    expect(check("status == 'pending' AND LENGTH(items) < 100 AND input.quantity > 0 AND state.total >= 0")).toEqual([]);
    expect(check('COALESCE(data.email, email)', PROJECTION)).toEqual([]);
    expect(check('total_amount + data.quantity * data.unit_price', PROJECTION)).toEqual([]);
    expect(check('data.deeply.nested[3].anything', SAGA)).toEqual([]);
    expect(check('metadata.whatever = aggregate_id', SAGA)).toEqual([]);
    expect(check('NOW()')).toEqual([]);
  });

  it('reports an unknown function with a did-you-mean, at its name', () => {
    expect(check('1 + LOWR(status)')).toEqual(['7:24 error EXPR_UNKNOWN_NAME unknown function LOWR (did you mean `LOWER`?)']);
    expect(check('CEILING(total)')).toEqual(['7:20 error EXPR_UNKNOWN_NAME unknown function CEILING (did you mean `CEIL`?)']);
    expect(check('frobnicate()')).toEqual(['7:20 error EXPR_UNKNOWN_NAME unknown function FROBNICATE']);
  });

  it('reports a wrong argument count, at the call', () => {
    expect(check("total = LOWER('a', 'b')")).toEqual(['7:28 error EXPR_ARITY LOWER takes 1 argument, not 2: LOWER(text)']);
    expect(check('NOW(1)')).toEqual(['7:20 error EXPR_ARITY NOW takes 0 arguments, not 1: NOW()']);
    expect(check('ROUND()')).toEqual(['7:20 error EXPR_ARITY ROUND takes 1 to 2 arguments, not 0: ROUND(number[, places])']);
    expect(check('COALESCE()')).toEqual(['7:20 error EXPR_ARITY COALESCE takes at least 1 argument, not 0: COALESCE(value, …)']);
    expect(check("SPLIT_PART('a', ',')")).toEqual([
      '7:20 error EXPR_ARITY SPLIT_PART takes 3 arguments, not 2: SPLIT_PART(text, delimiter, n)',
    ]);
  });

  it('checks inputs, state fields and roots by scope', () => {
    expect(check('input.qty > 0')).toEqual(['7:20 error EXPR_UNKNOWN_NAME input.qty is not a declared input (declared: reason, quantity)']);
    expect(check('input.reasn', { ...RULE, inputs: ['reason'] })).toEqual([
      '7:20 error EXPR_UNKNOWN_NAME input.reasn is not a declared input (declared: reason) (did you mean `reason`?)',
    ]);
    expect(check('input.x', { ...RULE, inputs: [] })).toEqual([
      '7:20 error EXPR_UNKNOWN_NAME input.x is not a declared input (the command declares no input)',
    ]);
    expect(check("statuz = 'x'")).toEqual(["7:20 warning EXPR_UNKNOWN_NAME unknown state field 'statuz' (did you mean `status`?)"]);
    expect(check('state.totl')).toEqual(["7:20 warning EXPR_UNKNOWN_NAME unknown state field 'state.totl' (did you mean `total`?)"]);
    expect(check('data.quantity')).toEqual([
      "7:20 warning EXPR_UNKNOWN_NAME unknown state field 'data' ('data' is not available in a require rule; it can use input, state, aggregate_id, aggregate_type, metadata, timestamp)",
    ]);
    expect(check('emial', PROJECTION)).toEqual(["7:20 error EXPR_UNKNOWN_NAME unknown column 'emial' (did you mean `email`?)"]);
    expect(check('status', SAGA)).toEqual([
      "7:20 error EXPR_UNKNOWN_NAME unknown name 'status': a saga step can use data, metadata, timestamp, version, position, event_type, event_version, aggregate_id, aggregate_type, saga",
    ]);
    expect(check('dta.x', SAGA)).toEqual([
      "7:20 error EXPR_UNKNOWN_NAME unknown name 'dta': a saga step can use data, metadata, timestamp, version, position, event_type, event_version, aggregate_id, aggregate_type, saga (did you mean `data`?)",
    ]);
  });

  it('reports type errors it can see, at the offending operand or operator', () => {
    expect(check("'a' * 2")).toEqual(['7:20 error EXPR_TYPE * needs numbers, not text']);
    expect(check("NOT 'x'")).toEqual(['7:24 error EXPR_TYPE NOT needs a boolean, not text']);
    expect(check('LOWER(5)')).toEqual(['7:26 error EXPR_TYPE LOWER needs text as argument 1, not a number: LOWER(text)']);
    expect(check("'Order ' + 5")).toEqual(['7:29 error EXPR_TYPE cannot add text and a number; use CONCAT to join text and numbers']);
    expect(check('true + 1')).toEqual(['7:20 error EXPR_TYPE cannot add a boolean (+ adds numbers or joins two texts)']);
    expect(check("-'a'")).toEqual(['7:21 error EXPR_TYPE unary - needs a number, not text']);
    expect(check('1 AND status')).toEqual(['7:20 error EXPR_TYPE AND needs a boolean on each side, not a number']);
    expect(check("1 = 'a'")).toEqual(['7:22 error EXPR_TYPE comparing a number with text is always false']);
    expect(check("1 != 'a'")).toEqual(['7:22 error EXPR_TYPE comparing a number with text is always true']);
    expect(check("1 < 'a'")).toEqual(['7:22 error EXPR_TYPE cannot order a number against text']);
    expect(check('[1] < items')).toEqual(['7:20 error EXPR_TYPE < compares numbers, texts or booleans, not an array']);
    expect(check("status IN (1, 'a', true)")).toEqual([]);
    expect(check("'a' IN (1, 'b')")).toEqual(['7:28 error EXPR_TYPE a number is never equal to text']);
    expect(check("ROUND(total, 'x')")).toEqual([
      '7:33 error EXPR_TYPE ROUND needs a number as argument 2, not text: ROUND(number[, places])',
    ]);
    expect(check("APPEND('x', 1)")).toEqual(['7:27 error EXPR_TYPE APPEND needs an array as argument 1, not text: APPEND(array, value)']);
    expect(check('LENGTH(1)')).toEqual([
      '7:27 error EXPR_TYPE LENGTH needs text or an array as argument 1, not a number: LENGTH(text_or_array)',
    ]);
    expect(check("CONTAINS('abc', 1)")).toEqual(['7:36 error EXPR_TYPE CONTAINS in a text looks for a text, not a number']);
    expect(check("CONCAT('a', [1])")).toEqual([
      '7:32 error EXPR_TYPE CONCAT needs a number or text or a boolean as argument 2, not an array: CONCAT(value, …)',
    ]);
    expect(check("GREATEST(1, 'a')")).toEqual(['7:20 error EXPR_TYPE GREATEST compares values of one kind, not a number and text']);
    expect(check('SUM(items, 1)')).toEqual(["7:31 error EXPR_TYPE SUM needs text as argument 2, not a number: SUM(array[, 'field'])"]);
    expect(check('aggregate_id * 2', SAGA)).toEqual(['7:20 error EXPR_TYPE * needs numbers, not text']);
    expect(check('data + 1', SAGA)).toEqual(['7:20 error EXPR_TYPE cannot add an object (+ adds numbers or joins two texts)']);
  });

  it('infers through functions and never flags what it cannot know', () => {
    expect(check('UPPER(status) * 2')).toEqual(['7:20 error EXPR_TYPE * needs numbers, not text']);
    expect(check("COALESCE(null, 'a') + 1")).toEqual([
      '7:40 error EXPR_TYPE cannot add text and a number; use CONCAT to join text and numbers',
    ]);
    expect(check('COALESCE(total, 0) + 1')).toEqual([]);
    expect(check("status + total = 'x' OR total * 2 > 1")).toEqual([]);
    // whatever status holds, status + 1 is a number or null
    expect(check("status + 1 = 'x'")).toEqual(['7:31 error EXPR_TYPE comparing a number with text is always false']);
    expect(check('null + 1 = null')).toEqual([]);
    expect(check("NOT (status = 'x')")).toEqual([]);
  });

  it('locates on later lines of a multi-line expression', () => {
    const text = "status = 'a'\n  AND LOWR(status)";
    const { ast } = parseExpression(text, AT);
    expect(checkExpression(ast!, RULE, AT)[0]!.location).toEqual({ file: 'app.tsk', line: 8, column: 7, endLine: 8, endColumn: 11 });
  });
});
