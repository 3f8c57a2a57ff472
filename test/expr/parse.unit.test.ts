/** The parser: precedence, spellings, and located EXPR_SYNTAX diagnostics (never a throw). */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { SourceLocation } from '../../src/diagnostics.js';
import { parseExpression, type ExprNode } from '../../src/expr/index.js';

const AT: SourceLocation = { file: 'app.tsk', line: 12, column: 30 };

/** The AST as a compact S-expression, to show precedence. */
function shape(n: ExprNode): string {
  switch (n.kind) {
    case 'literal':
      return JSON.stringify(n.value);
    case 'array':
      return `[${n.items.map(shape).join(' ')}]`;
    case 'path':
      return [n.name, ...n.segments.map((s) => (s.kind === 'field' ? `.${s.name}` : `[${s.index}]`))].join('');
    case 'unary':
      return `(${n.op} ${shape(n.operand)})`;
    case 'binary':
      return `(${n.op} ${shape(n.left)} ${shape(n.right)})`;
    case 'isNull':
      return `(${n.negated ? 'NOTNULL' : 'ISNULL'} ${shape(n.operand)})`;
    case 'in':
      return `(${n.negated ? 'NOTIN' : 'IN'} ${shape(n.operand)} ${n.list.map(shape).join(' ')})`;
    case 'call':
      return `(${n.name} ${n.args.map(shape).join(' ')})`.replace(/ \)$/, ')');
  }
}

const parsed = (text: string) => {
  const { ast, diagnostics } = parseExpression(text);
  expect(diagnostics).toEqual([]);
  return shape(ast!);
};

/** `line:col message` of the only diagnostic of `text` written at AT. */
const syntaxError = (text: string) => {
  const { ast, diagnostics } = parseExpression(text, AT);
  expect(ast).toBeUndefined();
  expect(diagnostics).toHaveLength(1);
  const d = diagnostics[0]!;
  expect(d.code).toBe('EXPR_SYNTAX');
  expect(d.severity).toBe('error');
  return `${d.location!.line}:${d.location!.column} ${d.message}`;
};

describe('parseExpression', () => {
  it.each([
    ['1 + 2 * 3 - 4', '(- (+ 1 (* 2 3)) 4)'],
    ['a OR b AND NOT c', '(OR a (AND b (NOT c)))'],
    ['a || b && !c', '(OR a (AND b (NOT c)))'],
    ['NOT a = b', '(NOT (= a b))'],
    ['a == b', '(= a b)'],
    ['a <> b', '(!= a b)'],
    ['-a * b', '(* (- a) b)'],
    ['a + b IS NOT NULL', '(NOTNULL (+ a b))'],
    ["x not in ('a', 1)", '(NOTIN x "a" 1)'],
    ['x IN (1) AND y', '(AND (IN x 1) y)'],
    ['a % b / c', '(/ (% a b) c)'],
    ['coalesce(data.email, email)', '(COALESCE data.email email)'],
    ['now()', '(NOW)'],
    ["items[0].p['k'][-1]", 'items[0].p.k[-1]'],
    ['data.null.and', 'data.null.and'],
    ["'it''s' + ''", '(+ "it\'s" "")'],
    ['[1, [2], []]', '[1 [2] []]'],
    ['  1\n+\t2  ', '(+ 1 2)'],
  ])('%s', (text, expected) => expect(parsed(text)).toBe(expected));

  it('keeps offsets on every node', () => {
    const ast = parseExpression("total + LOWER('x')").ast!;
    expect(ast).toMatchObject({
      kind: 'binary',
      start: 0,
      end: 18,
      opSpan: { start: 6, end: 7 },
      right: { kind: 'call', start: 8, end: 18, nameSpan: { start: 8, end: 13 } },
    });
  });

  it.each([
    ['', '12:30 empty expression'],
    ['status ==', '12:39 expected a value but found the end of the expression'],
    ["status == 'open", "12:40 unterminated text literal (missing closing ')"],
    ['status == "open"', "12:40 unexpected character '\"' (text literals use single quotes: 'text')"],
    ['a = b = c', "12:36 unexpected '=' after a complete expression"],
    ['(a + b', "12:36 expected ')' to close the '(' at offset 0 but found the end of the expression"],
    ['LOWER(a b)', "12:38 expected ',' or ')' but found 'b'"],
    ['x IN ()', '12:36 IN needs at least one value'],
    ['x IN 1', "12:35 expected '(' after IN but found number 1"],
    ['x IS 5', '12:35 expected NULL or NOT NULL after IS but found number 5'],
    ['items[a]', "12:36 an index must be a whole number or a quoted key, not 'a'"],
    ['items[1.5]', '12:36 an index must be a whole number or a quoted key, not number 1.5'],
    ['data.', "12:35 expected a field name after '.' but found the end of the expression"],
    ['a $ b', "12:32 unexpected character '$'"],
    ['2x', "12:31 unexpected character 'x' after number 2"],
    ['1e999', '12:30 number 1e999 is too large'],
    ['a +', '12:33 expected a value but found the end of the expression'],
  ])('%j is a located syntax error', (text, expected) => expect(syntaxError(text)).toBe(expected));

  it('locates errors on later lines of a multi-line expression', () => {
    const { diagnostics } = parseExpression('status == 1\n  AND ?', AT);
    expect(diagnostics[0]!.location).toEqual({ file: 'app.tsk', line: 13, column: 7, endLine: 13, endColumn: 8 });
  });

  it('locates against the expression itself when no location is given', () => {
    expect(parseExpression('1 +').diagnostics[0]!.location).toMatchObject({ file: '<expression>', line: 1, column: 4 });
  });

  it('refuses nesting deeper than 100 levels instead of overflowing the stack', () => {
    expect(syntaxError(`${'('.repeat(150)}1${')'.repeat(150)}`)).toMatch(/nested more than 100 levels/);
    expect(syntaxError(`${'NOT '.repeat(150)}true`)).toMatch(/nested more than 100 levels/);
    expect(syntaxError(`${'-'.repeat(150)}1`)).toMatch(/nested more than 100 levels/);
    expect(parsed(`${'('.repeat(50)}1${')'.repeat(50)}`)).toBe('1');
    expect(syntaxError(Array(1500).fill('1').join(' + '))).toMatch(/longer than 2000 tokens/);
  });

  it('never throws, whatever the text', () => {
    const piece = fc.constantFrom(
      'a',
      '1',
      "'x'",
      '(',
      ')',
      '[',
      ']',
      ',',
      '.',
      '+',
      '-',
      '*',
      '=',
      '<',
      'NOT',
      'IN',
      'IS',
      'NULL',
      'AND',
      ' ',
      "'",
      'f(',
      '"',
      '\n',
    );
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 20 }), fc.string(), (pieces, noise) => {
        for (const text of [pieces.join(''), noise]) {
          const { ast, diagnostics } = parseExpression(text, AT);
          expect(ast === undefined).toBe(diagnostics.length > 0);
          for (const d of diagnostics) expect(d.location?.line).toBeGreaterThanOrEqual(12);
        }
      }),
      { numRuns: 500 },
    );
  });
});
