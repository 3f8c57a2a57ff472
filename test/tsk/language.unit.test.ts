import { describe, expect, it } from 'vitest';
import { parseTsk } from '../../src/tsk/index.js';
import { load, summarize } from './helpers.js';

describe('.tsk language', () => {
  it('reads brace style with = and :, optional ;, commas and newlines', async () => {
    const doc = await load('a = {\n  x = 1;\n  y: "two", z = true\n  w = null\n}\nb: 2;\n');
    expect(doc.diagnostics).toEqual([]);
    expect(doc.value).toEqual({ a: { x: 1, y: 'two', z: true, w: null }, b: 2 });
  });

  it('reads section style, nested [a.b] headers, and merges a repeated header', async () => {
    const doc = await load('top = 1\n[server]\nport: 8080\n[db.main]\nhost: x\n[server]\nhost: "h"\n');
    expect(doc.diagnostics).toEqual([]);
    expect(doc.value).toEqual({ top: 1, server: { port: 8080, host: 'h' }, db: { main: { host: 'x' } } });
    expect(doc.sourceMap.get(['server', 'host'])).toEqual({
      key: { file: 'test.tsk', line: 7, column: 1 },
      value: { file: 'test.tsk', line: 7, column: 7 },
    });
  });

  it('reports a duplicate key inside a merged section, with the first place as related', async () => {
    const doc = await load('[s]\na: 1\n[s]\na: 2\n');
    expect(summarize(doc.diagnostics)).toEqual(['4:1 error TSK_DUPLICATE_KEY duplicate key a']);
    expect(doc.diagnostics[0]?.related?.[0]?.location).toMatchObject({ line: 2, column: 1 });
    expect(doc.value).toEqual({ s: { a: 1 } });
  });

  it('reads TuskLang blocks name { } and name > <, nested', async () => {
    const doc = await load('app {\n  name = "x"\n  inner >\n    deep {\n      k = 1\n    }\n  <\n}\n');
    expect(doc.diagnostics).toEqual([]);
    expect(doc.value).toEqual({ app: { name: 'x', inner: { deep: { k: 1 } } } });
  });

  it('mixes all styles in one file; a block statement after a [section] is top-level (issue 18 item 9)', async () => {
    const doc = await load('# comment\nbrace = { a = 1 }\nblock > \n  b: 2\n<\n[sec]\nc: 3\nd { e = 4 }\n');
    // before issue 18 this was sec.d; TuskLang's JS SDK (and a reader switching styles) reads it top-level
    expect(summarize(doc.diagnostics)).toEqual([
      '8:1 note TSK_SECTION_ENDED section [sec] ends here: a block written `d { … }` at the start of a line is top-level; write `d = { … }` to keep it in [sec]',
    ]);
    expect(doc.value).toEqual({ brace: { a: 1 }, block: { b: 2 }, sec: { c: 3 }, d: { e: 4 } });
  });

  it('skips # and // comments, but not inside strings', async () => {
    const doc = await load('a = "x # not a comment" # comment\nb = "https://example.com" // comment\n// whole line\nc = 1\n');
    expect(doc.value).toEqual({ a: 'x # not a comment', b: 'https://example.com', c: 1 });
  });

  it('decodes escapes in double- and single-quoted strings; strings may span lines', async () => {
    const doc = await load(String.raw`a = "l1\nl2\t\"q\" \\"` + '\n' + String.raw`b = 'it\'s'` + '\nc = "one\ntwo"\n');
    expect(doc.diagnostics).toEqual([]);
    expect(doc.value).toEqual({ a: 'l1\nl2\t"q" \\', b: "it's", c: 'one\ntwo' });
  });

  it('reads """ multi-line strings verbatim', async () => {
    const doc = await load('sql = """\nSELECT "x"\n  FROM t\n"""\n');
    expect(doc.value).toEqual({ sql: 'SELECT "x"\n  FROM t\n' });
  });

  it('reads numbers (negative, decimal) and bare words as strings', async () => {
    const doc = await load('a = -5\nb = 10.00\nc: production\nd = 30d\ne = 2GB\nf = localhost\ng = 1.0.3\n');
    expect(doc.value).toEqual({ a: -5, b: 10, c: 'production', d: '30d', e: '2GB', f: 'localhost', g: '1.0.3' });
  });

  it('reads arrays with commas and/or newlines, trailing commas, and arrays of objects', async () => {
    const doc = await load(
      'a = [1, 2, 3,]\nb = [\n  "x"\n  "y",\n]\nsteps = [\n  { name = "one", n = 1 },\n  {\n    name = "two"\n  }\n]\nempty = []\n',
    );
    expect(doc.diagnostics).toEqual([]);
    expect(doc.value).toEqual({ a: [1, 2, 3], b: ['x', 'y'], steps: [{ name: 'one', n: 1 }, { name: 'two' }], empty: [] });
    expect(doc.sourceMap.get(['steps', 1, 'name'])?.key).toMatchObject({ line: 9, column: 5 });
  });

  it('accepts quoted keys', async () => {
    const doc = await load('t = {\n  "created" = ["a"]\n  \'with space\' = 1\n}\n');
    expect(doc.value).toEqual({ t: { created: ['a'], 'with space': 1 } });
  });

  it('locates key and value precisely (value = opening quote), and locate() falls back to the ancestor', async () => {
    const doc = await load('outer = {\n  a = "x"\n}\n');
    expect(doc.sourceMap.get(['outer', 'a'])).toEqual({
      key: { file: 'test.tsk', line: 2, column: 3 },
      value: { file: 'test.tsk', line: 2, column: 7 },
    });
    expect(doc.sourceMap.locate(['outer', 'a', 'missing', 0])).toEqual({ file: 'test.tsk', line: 2, column: 3 });
    expect(doc.sourceMap.locate(['outer'])).toEqual({ file: 'test.tsk', line: 1, column: 9 });
  });

  it('evaluates variables and load-time expressions; definitions are not in the tree', async () => {
    const text =
      '$host: "db"\n$port = 5432\nurl = "pg://" + $host + ":" + $port\nsum = $port + 1\nbig = $port > 1000 ? "yes" : "no"\neq = ($host == "db")\nne = $host != db\nle = 2 <= 1\n';
    const doc = await load(text);
    expect(doc.diagnostics).toEqual([]);
    expect(doc.value).toEqual({ url: 'pg://db:5432', sum: 5433, big: 'yes', eq: true, ne: false, le: false });
  });

  it('gives + precedence over comparisons, and parentheses group', async () => {
    const doc = await load('a = 1 + 2 == 3\nb = "x" + "y" == xy ? 1 + 1 : 0\nc = (1 + 2) + "!"\nd = 10 > 9 == true\n');
    expect(doc.diagnostics).toEqual([]);
    expect(doc.value).toEqual({ a: true, b: 2, c: '3!', d: true });
  });

  it('reads CRLF files with the same values and positions', async () => {
    const doc = await load('[s]\r\na: "x" # c\r\nb = { c = 1 }\r\n');
    expect(doc.diagnostics).toEqual([]);
    expect(doc.value).toEqual({ s: { a: 'x', b: { c: 1 } } });
    expect(doc.sourceMap.get(['s', 'b', 'c'])?.key).toMatchObject({ line: 3, column: 7 });
  });

  it('treats __proto__ as an ordinary key', async () => {
    const doc = await load('__proto__ = { polluted = true }\nconstructor = 1\n');
    expect(doc.diagnostics).toEqual([]);
    expect(Object.keys(doc.value)).toEqual(['__proto__', 'constructor']);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.getPrototypeOf(doc.value)).toBe(Object.prototype);
  });

  it('reports an undefined variable at its use, and keeps going', async () => {
    const doc = await load('a = $nope\nb = 1\n');
    expect(summarize(doc.diagnostics)).toEqual(['1:5 error TSK_UNDEFINED_VARIABLE undefined variable $nope']);
    expect(doc.value).toEqual({ a: null, b: 1 });
  });

  it('reports a duplicate key pointing at the second, related to the first', async () => {
    const doc = await load('x = {\n  a = 1\n  a = 2\n}\n');
    expect(doc.diagnostics).toEqual([
      {
        code: 'TSK_DUPLICATE_KEY',
        severity: 'error',
        message: 'duplicate key a',
        location: { file: 'test.tsk', line: 3, column: 3 },
        path: ['x', 'a'],
        related: [{ message: 'a is first defined here', location: { file: 'test.tsk', line: 2, column: 3 } }],
      },
    ]);
  });

  it('never evaluates a quoted string that is not exactly one operator call', async () => {
    const doc = await load('a = "COALESCE(data.email, email)"\nb = "$x + 1"\nc = "see @env(HOME) here"\n');
    expect(doc.diagnostics).toEqual([]);
    expect(doc.value).toEqual({ a: 'COALESCE(data.email, email)', b: '$x + 1', c: 'see @env(HOME) here' });
  });

  it('parseTsk returns a located AST', () => {
    const { ast, diagnostics } = parseTsk('a = @env(X, 1)\n', 'f.tsk');
    expect(diagnostics).toEqual([]);
    expect(ast?.items[0]).toMatchObject({
      kind: 'entry',
      key: 'a',
      keyLocation: { line: 1, column: 1 },
      value: {
        kind: 'operator',
        name: 'env',
        location: { line: 1, column: 5 },
        args: [
          { kind: 'literal', value: 'X', bare: true },
          { kind: 'literal', value: 1 },
        ],
      },
    });
  });
});
