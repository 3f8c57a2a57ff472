/**
 * The grammar's fuzz corpus: generators of .tsk text for property tests. `anyText` is mostly
 * broken input (for robustness); `wellFormed` is valid text in every form of the language
 * with messy whitespace (for the formatter's print-equivalence property).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';

const seedDir = join(import.meta.dirname, '../fixtures/seeds');
/** The seed fixtures' texts. */
export const seeds = readdirSync(seedDir)
  .filter((f) => f.endsWith('.tsk'))
  .map((f) => readFileSync(join(seedDir, f), 'utf8'));

const pieces = [
  '{',
  '}',
  '[',
  ']',
  '(',
  ')',
  '"',
  "'",
  '"""',
  '=',
  ':',
  ',',
  ';',
  '\n',
  '#',
  '//',
  '@env(',
  '@go(',
  '$x',
  '>',
  '<',
  '?',
  '+',
  '==',
  'key',
  ' ',
  '\\',
  '-1',
  '1.5',
];

/** A seed with random edits: delete, insert, or duplicate a span of characters. */
export const mutatedSeed = fc
  .record({
    seed: fc.constantFrom(...seeds),
    edits: fc.array(
      fc.record({
        at: fc.nat(),
        len: fc.nat({ max: 12 }),
        kind: fc.constantFrom('delete', 'insert', 'duplicate'),
        piece: fc.constantFrom(...pieces),
      }),
      { minLength: 1, maxLength: 6 },
    ),
  })
  .map(({ seed, edits }) => {
    let text = seed;
    for (const e of edits) {
      const at = e.at % (text.length + 1);
      if (e.kind === 'delete') text = text.slice(0, at) + text.slice(at + e.len);
      else if (e.kind === 'insert') text = text.slice(0, at) + e.piece + text.slice(at);
      else text = text.slice(0, at) + text.slice(at, at + e.len) + text.slice(at);
    }
    return text;
  });

export const tokenSoup = fc.array(fc.constantFrom(...pieces), { maxLength: 80 }).map((a) => a.join(''));
/** Deep nesting, to catch stack overflows in the recursive parser and evaluator. */
export const deepNesting = fc
  .record({ n: fc.nat({ max: 3000 }), open: fc.constantFrom('[', '{ a = ', '(', '1 ? ', '1 + ', '@env(') })
  .map(({ n, open }) => `x = ${open.repeat(n)}`);
export const anyText = fc.oneof(
  fc.string({ maxLength: 200 }),
  fc.string({ unit: 'binary', maxLength: 200 }),
  tokenSoup,
  mutatedSeed,
  deepNesting,
);

/** Valid .tsk in every form (brace, section, angle, indented, dash and comma lists, …), messily spaced. */
export const wellFormed = fc.integer().map((seed) => new WellFormed(seed).document());

/** A deterministic generator driven by one seed (fast-check reports the seed of a failure). */
class WellFormed {
  private state: number;

  constructor(seed: number) {
    this.state = seed >>> 0;
  }

  document(): string {
    const out = [`$v${this.eq()}7${this.eol()}`, `$flag${this.eq()}false${this.eol()}`];
    const n = 1 + this.int(6);
    for (let i = 0; i < n; i++) {
      if (this.chance(0.15)) out.push(this.chance(0.5) ? `[${this.pick(['s', 'sec.sub'])}]${this.eol()}` : `[[tbl]]${this.eol()}`);
      out.push(this.entry('', 0));
    }
    const text = out.join('');
    return this.chance(0.2) ? text.replace(/\n/g, '\r\n') : text;
  }

  /** One entry starting at the start of a line indented by `ind`, through its line end. */
  private entry(ind: string, depth: number): string {
    const key = this.key();
    const kinds = depth < 3 ? ['value', 'value', 'value', 'prose', 'list', 'brace', 'angle', 'block', 'dash'] : ['value', 'prose', 'list'];
    switch (this.pick(kinds)) {
      case 'prose':
        return `${ind}${key}${this.pick([':', ' =', ' :'])} ${this.pick(['Hello World', 'http://localhost:8080/api', 'Zürich', 'two words here'])}${this.pick(['', ' # c', ' // c'])}\n`;
      case 'list':
        return `${ind}${key}:${this.sp()}${this.pick(['one, two, three', '1,2', '"a,b", c', 'x ,y'])}${this.eol()}`;
      case 'brace':
        return `${ind}${key}${this.ws()}{${this.eol()}${this.body(ind + this.unit(ind), depth + 1)}${ind}}${this.eol()}`;
      case 'angle':
        return `${ind}${key}${this.sp()}>${this.eol()}${this.body(ind + this.unit(ind), depth + 1)}${ind}<${this.eol()}`;
      case 'block':
        return `${ind}${key}:${this.eol()}${this.body(ind + this.unit(ind), depth + 1)}`;
      case 'dash':
        return `${ind}${key}:${this.eol()}${this.dashes(ind + this.unit(ind), depth + 1)}`;
      default:
        return `${ind}${key}${this.pick([this.eq(), ':' + this.ws()])}${this.value(ind, depth)}${this.eol()}`;
    }
  }

  private body(ind: string, depth: number): string {
    let s = this.chance(0.3) ? `${this.indent()}# about the block\n` : '';
    const n = 1 + this.int(3);
    for (let i = 0; i < n; i++) s += this.entry(ind, depth);
    return s;
  }

  private dashes(ind: string, depth: number): string {
    let s = '';
    const n = 1 + this.int(3);
    for (let i = 0; i < n; i++) {
      const gap = this.pick([' ', ' ', '  ']);
      if (depth < 3 && this.chance(0.4)) {
        const under = ind + ' '.repeat(1 + gap.length);
        s += `${ind}-${gap}${this.key()}: ${this.scalar()}${this.eol()}`;
        if (this.chance(0.6)) s += `${under}${this.key()}${this.eq()}${this.scalar()}${this.eol()}`;
        // (under a tab, a block under the item would mix tabs and spaces: an error)
        if (!ind.includes('\t') && this.chance(0.3))
          s += `${under}${this.key()}:${this.eol()}${this.body(under + this.unit(under), depth + 1)}`;
      } else s += `${ind}-${gap}${this.scalar()}${this.eol()}`;
    }
    return s;
  }

  /** A value after `=` or `:` (may span lines). */
  private value(ind: string, depth: number): string {
    if (depth >= 3 || this.chance(0.6)) return this.scalar();
    const inner = ind + this.unit(ind);
    switch (this.int(4)) {
      case 0:
        return `{${this.ws()}${this.key()}${this.eq()}${this.scalar()},${this.ws()}${this.key()}: ${this.scalar()}${this.ws()}}`;
      case 1:
        return `[${this.ws()}${this.scalar()},${this.ws()}${this.scalar()}${this.pick(['', ','])}${this.ws()}]`;
      case 2:
        return `[${this.eol()}${inner}${this.value(inner, depth + 1)},${this.eol()}${inner}${this.value(inner, depth + 1)}${this.eol()}${ind}]`;
      default:
        return `{${this.eol()}${this.body(inner, depth + 1)}${ind}}`;
    }
  }

  private scalar(): string {
    return this.pick([
      '42',
      '-3',
      '1.5',
      '1e3',
      '"text"',
      '"with, comma"',
      '"esc \\" q"',
      "'single'",
      'word',
      'true',
      'false',
      'null',
      '8000-9000',
      '2024-01-01',
      '1.0-beta',
      '@env("HOME", "d")',
      '@env.NOPE || "dflt"',
      '$v',
      '$v + 1',
      '$v*2 - 1 % 3',
      '($v - 1) / 2',
      '-$v',
      '!- 1',
      '!$flag',
      '$v > 5 ? "big" : "small"',
      '$v>5&&!$flag',
      '"a" + "b"',
      '$v-1',
      '$v -1',
      '"""\n  multi\n    line\n"""',
      "'''\nraw '\n'''",
      '"two\nlines"',
      '[]',
      '{}',
      '[1, [2, 3]]',
      '{ a = 1 }',
      '( 1 + 2 ) * 3',
    ]);
  }

  private key(): string {
    return this.pick(['a', 'b_c', 'name', 'port', '"quoted key"', 'x1', 'città', 'd.e', "'k'"]);
  }

  /** A line end: a newline, maybe a comment before it, maybe blank lines after it. */
  private eol(): string {
    return this.pick(['\n', '\n', '\n', '\n\n', '\n   \n\n', '  \n', ' # note\n', '\t// note\n', ' /* c */\n', '   # aligned\n']);
  }

  private eq(): string {
    return this.pick([' = ', '=', '  = ', ' =\t']);
  }

  private ws(): string {
    return this.pick(['', ' ', ' ', '  ']);
  }

  private sp(): string {
    return this.pick([' ', ' ', '  ']);
  }

  /** One more level of indentation under `ind` (tabs only under tabs: mixing them is an error). */
  private unit(ind: string): string {
    if (ind.includes('\t')) return '\t';
    return this.pick(ind === '' ? ['  ', '    ', '\t', ' '] : ['  ', '    ', ' ']);
  }

  /** Indentation where it does not matter (inside brackets, before a closer). */
  private indent(): string {
    return this.pick(['', '  ', '    ', '\t']);
  }

  private pick<T>(xs: readonly T[]): T {
    return xs[this.int(xs.length)]!;
  }

  private chance(p: number): boolean {
    return this.next() < p;
  }

  private int(n: number): number {
    return Math.floor(this.next() * n);
  }

  /** mulberry32. */
  private next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
}
