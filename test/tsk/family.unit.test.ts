/**
 * Conformance of the TuskLang family forms (issue 18): each form parses to the value TuskLang's
 * SDKs give it. One `it` per form, with the value stated.
 */
import { describe, expect, it } from 'vitest';
import { load, summarize } from './helpers.js';

const clean = async (text: string, env: Record<string, string> = {}) => {
  const doc = await load(text, { env });
  expect(summarize(doc.diagnostics)).toEqual([]);
  return doc.value;
};

describe('1. indented blocks', () => {
  it('`key:` at the end of a line opens the block of the lines indented below it', async () => {
    expect(await clean('database:\n  host: "localhost"\n  pool:\n    max: 10\nafter = 1\n')).toEqual({
      database: { host: 'localhost', pool: { max: 10 } },
      after: 1,
    });
  });

  it('an empty `key:` with nothing indented is null (also at the end of the file)', async () => {
    expect(await clean('a:\nb: 2\nc:\n')).toEqual({ a: null, b: 2, c: null });
  });

  it('nests in brace blocks and sections, and locates every key', async () => {
    const doc = await load('[app]\nname = x\ndb:\n\thost: h\n\tport: 5432\nouter = {\n  inner:\n    k: 1\n}\n');
    expect(doc.diagnostics).toEqual([]);
    expect(doc.value).toEqual({ app: { name: 'x', db: { host: 'h', port: 5432 }, outer: { inner: { k: 1 } } } });
    expect(doc.sourceMap.get(['app', 'db', 'port'])?.key).toMatchObject({ line: 5, column: 2 });
  });

  it('mixing tabs and spaces in one block is a located error', async () => {
    const doc = await load('db:\n  host: x\n \tport: 1\n');
    expect(summarize(doc.diagnostics)).toEqual([
      '3:3 error TSK_SYNTAX tabs and spaces mixed in one indented block (it is indented with spaces): indent every line of a block the same way',
    ]);
  });

  it('a line indented to no enclosing block is a located error', async () => {
    const doc = await load('db:\n    host: x\n  port: 1\n');
    expect(summarize(doc.diagnostics)).toEqual([
      '3:3 error TSK_SYNTAX this line is indented 2 columns, which matches no enclosing block (the block above is at 4, its key at 0)',
    ]);
  });
});

describe('2. dash lists', () => {
  it('`- item` lines under a `key:` are a list; `- key: value` opens an object', async () => {
    const text = 'servers:\n  - web\n  - 8080\n  - name: db\n    port: 5432\n    tags:\n      - a\n      - b\n  - name: cache\nnext = 1\n';
    expect(await clean(text)).toEqual({ servers: ['web', 8080, { name: 'db', port: 5432, tags: ['a', 'b'] }, { name: 'cache' }], next: 1 });
  });

  it('a block mixing `- ` items and `key:` entries is a located error', async () => {
    const doc = await load('l:\n  - a\n  b: 1\n');
    expect(summarize(doc.diagnostics)).toEqual([
      "3:3 error TSK_SYNTAX a block holds '- ' items or 'key:' entries, not both: b is among '- ' items",
    ]);
  });

  it('a `- ` line outside an indented block is a located error', async () => {
    const doc = await load('- top\n');
    expect(summarize(doc.diagnostics)).toEqual(["1:1 error TSK_SYNTAX '- ' items belong in an indented block under a 'key:' line"]);
  });
});

describe('3. comma lists', () => {
  it('`a: one, two, three` is a list of three strings; quoted commas stay in their string', async () => {
    expect(await clean('array_value: one, two, three\nq = "a,b", c\nn: 1, 2\n')).toEqual({
      array_value: ['one', 'two', 'three'],
      q: ['a,b', 'c'],
      n: [1, 2],
    });
  });

  it('commas between entries still separate entries', async () => {
    expect(await clean('a = 1, b = 2\nt { x: 1, y: 2 }\n')).toEqual({ a: 1, b: 2, t: { x: 1, y: 2 } });
  });
});

describe('4. ranges', () => {
  it('a bare `8000-9000` is { min, max }; dates, versions and quoted ranges are strings', async () => {
    expect(await clean('ports = 8000-9000\nratio: 0.5-1.5\nday = 2024-01-01\nv = 1.0-beta\ns = "8000-9000"\n')).toEqual({
      ports: { min: 8000, max: 9000 },
      ratio: { min: 0.5, max: 1.5 },
      day: '2024-01-01',
      v: '1.0-beta',
      s: '8000-9000',
    });
  });

  it('a range whose min is above its max is a located error', async () => {
    const doc = await load('ok = 1\nports = 9000-8000\n');
    expect(summarize(doc.diagnostics)).toEqual([
      '2:9 error TSK_SYNTAX range 9000-8000 has its min above its max (write "9000-8000" in quotes for a string)',
    ]);
  });
});

describe('5. dotted keys', () => {
  it('`default.active = true` inside [channels] is channels.default.active', async () => {
    expect(await clean('[channels]\ndefault.active = true\ndefault.name: "d"\nv = 1.0.3\n"quoted.key" = 1\n')).toEqual({
      channels: { default: { active: true, name: 'd' }, v: '1.0.3', 'quoted.key': 1 },
    });
  });

  it('a dotted key that collides with a scalar is a located error', async () => {
    const doc = await load('a = 1\na.b = 2\n');
    expect(summarize(doc.diagnostics)).toEqual(['2:1 error TSK_DUPLICATE_KEY duplicate key a']);
    expect(doc.diagnostics[0]?.related?.[0]?.location).toMatchObject({ line: 1, column: 1 });
  });
});

describe("6. ''' strings, /* */ comments, [[name]] tables", () => {
  it("''' strings are verbatim and may span lines", async () => {
    expect(await clean("s = '''\nit's \"raw\" \\n\n'''\n")).toEqual({ s: 'it\'s "raw" \\n\n' });
  });

  it('/* */ comments may span lines; an unclosed one is a located error', async () => {
    expect(await clean('a = 1 /* one\ntwo */ b = 2\n/* c */\nc = "/* not a comment */"\n')).toEqual({
      a: 1,
      b: 2,
      c: '/* not a comment */',
    });
    const doc = await load('a = 1\n/* open\nb = 2\n');
    expect(summarize(doc.diagnostics)).toEqual(["2:1 error TSK_SYNTAX '/*' comment is never closed"]);
  });

  it('[[name]] opens a new object in the list name each time', async () => {
    const doc = await load('[[products]]\nname = "a"\n[[products]]\nname = "b"\n[[shop.items]]\nn = 1\n');
    expect(doc.diagnostics).toEqual([]);
    expect(doc.value).toEqual({ products: [{ name: 'a' }, { name: 'b' }], shop: { items: [{ n: 1 }] } });
    expect(doc.sourceMap.get(['products', 1, 'name'])?.key).toMatchObject({ line: 4, column: 1 });
  });
});

describe('7. load-time logic', () => {
  it('* / % - with + as before, by precedence', async () => {
    expect(await clean('$a = 7\nx = $a * 2 - 1 % 3\nw = ($a - 1) / 2\nm = $a-1\nn = -$a\np = 1 + 2 * 3\n')).toEqual({
      x: 13,
      w: 3,
      m: 6,
      n: -7,
      p: 7,
    });
  });

  it('&& || ! and comparisons in $var values and ternaries', async () => {
    const text = '$n = 7\n$big = $n > 5 && !false\nb = $big\no = $n < 5 || "fallback"\nt = $n >= 7 && $n != 8 ? "yes" : "no"\nf = !$big\n';
    expect(await clean(text)).toEqual({ b: true, o: 'fallback', t: 'yes', f: false });
  });

  it('$var.prop and $var[0] read into a variable', async () => {
    expect(await clean('$db = { host = "h", ports = [5432, 5433] }\nhost = $db.host\nsecond = $db.ports[1]\n')).toEqual({
      host: 'h',
      second: 5433,
    });
  });

  it('errors are TSK_EXPRESSION at the real line', async () => {
    const doc = await load('$o = { a = 1 }\nok = 1\nx = $o.b\ny = "s" * 2\nz = 1 / 0\n');
    expect(summarize(doc.diagnostics)).toEqual([
      '3:5 error TSK_EXPRESSION $o has no .b (it is an object)',
      '4:5 error TSK_EXPRESSION cannot multiply "s": * takes numbers',
      '5:5 error TSK_EXPRESSION division by zero',
    ]);
  });
});

describe('8. @env.NAME', () => {
  it('@env.NAME is @env("NAME"), and @env.NAME || "default" gives a default without a warning', async () => {
    expect(await clean('port = @env.PORT\nhost = @env.DB_HOST || "localhost"\nset = @env.PORT || 1\n', { PORT: '8080' })).toEqual({
      port: '8080',
      host: 'localhost',
      set: '8080',
    });
  });
});

describe('9. a block statement after a [section] is top-level', () => {
  it('`name { … }` and `name > … <` at the start of a line end the section, with a note; `key = { … }` stays in it', async () => {
    const doc = await load('[sec]\na = { x = 1 }\nb { y = 2 }\nc = 3\n[two]\nd >\n  z: 1\n<\n');
    expect(doc.value).toEqual({ sec: { a: { x: 1 } }, b: { y: 2 }, c: 3, two: {}, d: { z: 1 } });
    expect(summarize(doc.diagnostics)).toEqual([
      '3:1 note TSK_SECTION_ENDED section [sec] ends here: a block written `b { … }` at the start of a line is top-level; write `b = { … }` to keep it in [sec]',
      '6:1 note TSK_SECTION_ENDED section [two] ends here: a block written `d { … }` at the start of a line is top-level; write `d = { … }` to keep it in [two]',
    ]);
  });
});

describe('10. unquoted values', () => {
  it('read to the end of the line, minus a trailing comment; Unicode letters in identifiers', async () => {
    const text =
      'url: http://localhost:8080/api\ntitle: Hello World # greeting\ncity: Zürich\nname = 東京 タワー\nstraße: Hauptstraße 1\n$città = "Roma"\ncapital = $città\n';
    expect(await clean(text)).toEqual({
      url: 'http://localhost:8080/api',
      title: 'Hello World',
      city: 'Zürich',
      name: '東京 タワー',
      straße: 'Hauptstraße 1',
      capital: 'Roma',
    });
  });

  it('a # in an unquoted URL starts a comment, and a note says to quote it', async () => {
    const doc = await load('docs: http://x.org/a#part\n');
    expect(doc.value).toEqual({ docs: 'http://x.org/a' });
    expect(summarize(doc.diagnostics)).toEqual([
      `1:21 note TSK_COMMENT_IN_VALUE '#' starts a comment, so the URL ends before it: quote the URL ("http://x.org/a#…") to keep its fragment`,
    ]);
  });
});
