/**
 * CST → located AST. Reads the Chevrotain CST defensively (error recovery can leave any
 * child missing), decodes strings, reports stray tokens, and re-parses a quoted string whose
 * whole content is one operator call (seed 001: `"@env('DB_PORT', 5432)"`).
 */
import type { CstElement, CstNode, IToken } from 'chevrotain';
import { error, type Diagnostic, type SourceLocation } from '../diagnostics.js';
import { lexTsk } from '../../grammar/lexer.js';
import { parseTokens, shortImage } from '../../grammar/parser.js';
import type { ArrayAst, BinaryOp, EntryAst, ObjectAst, SectionAst, TskFileAst, ValueAst } from './ast.js';
import { chain } from './precedence.js';

type Children = Record<string, CstElement[] | undefined>;

const IN_STRING_CALL = /^\s*@[A-Za-z_][A-Za-z0-9_.]*\s*\([\s\S]*\)\s*$/;
/** A bare `8000-9000` (two numbers, no spaces) is a range; `2024-01-01` and `1.0-beta` are not. */
const RANGE = /^(\d+(?:\.\d+)?)-(\d+(?:\.\d+)?)$/;
/** Each part of a bare dotted key (`default.active`) is a name, so `1.0.3` stays one key. */
const DOTTED_PART = /^[\p{L}_][\p{L}\p{N}_-]*$/u;
const DASH_OUTSIDE_BLOCK = "'- ' items belong in an indented block under a 'key:' line";
/** The access path after a variable's name: `.key` or `[index]`. */
const ACCESS = /\.([^.[]+)|\[(\d+)\]/g;

function isToken(e: CstElement | undefined): e is IToken {
  return e !== undefined && 'image' in e;
}
function isNode(e: CstElement | undefined): e is CstNode {
  return e !== undefined && 'children' in e;
}

/** The first real token under a CST element (for ordering and fallback locations). */
function firstToken(e: CstElement): IToken | undefined {
  if (isToken(e)) return e;
  let best: IToken | undefined;
  for (const list of Object.values(e.children as Children)) {
    for (const child of list ?? []) {
      const t = firstToken(child);
      if (t && Number.isFinite(t.startOffset) && (!best || t.startOffset < best.startOffset)) best = t;
    }
  }
  return best;
}

function firstOffset(e: CstElement): number {
  if (isToken(e)) return e.startOffset;
  const c = e.children as Children;
  // sections start with '[' and entries with their key: no need to search the whole subtree
  const head = c.LBracket?.[0] ?? c.key?.[0];
  if (isToken(head) && Number.isFinite(head.startOffset)) return head.startOffset;
  return firstToken(e)?.startOffset ?? 0;
}

/** A bare dotted key's path (`default.active`), or undefined: not a bare word, or a part is not a name (`1.0.3`). */
export function dottedKey(keyTok: IToken, key: string): string[] | undefined {
  const parts = keyTok.tokenType.name === 'Word' && key.includes('.') ? key.split('.') : undefined;
  return parts?.every((p) => DOTTED_PART.test(p)) ? parts : undefined;
}

/** Adds a dotted key's path (no object spread: it is the hot spot of building a large file's AST). */
function withDotted(entry: EntryAst, dotted: string[] | undefined): EntryAst {
  if (dotted) entry.dotted = dotted;
  return entry;
}

/** Decodes the escapes of a quoted string body: \n \t \r \" \' \\ (others are kept as written). */
export function unescapeString(body: string): string {
  if (!body.includes('\\')) return body;
  return body.replace(/\\([\s\S])/g, (whole, c: string) => {
    switch (c) {
      case 'n':
        return '\n';
      case 't':
        return '\t';
      case 'r':
        return '\r';
      case '"':
      case "'":
      case '\\':
        return c;
      default:
        return whole;
    }
  });
}

/** Builds the AST of one file; syntax problems found on the way go to `diagnostics`. */
export class AstBuilder {
  constructor(
    private readonly fileName: string,
    readonly diagnostics: Diagnostic[],
    private readonly lineBase = 0,
    private readonly columnBase = 0,
  ) {}

  loc(tok: IToken | undefined, fallback?: SourceLocation): SourceLocation {
    if (!tok || !Number.isFinite(tok.startLine) || tok.isInsertedInRecovery) {
      return fallback ?? { file: this.fileName, line: 1 + this.lineBase, column: 1 + this.columnBase };
    }
    const line = tok.startLine!;
    return { file: this.fileName, line: line + this.lineBase, column: tok.startColumn! + (line === 1 ? this.columnBase : 0) };
  }

  /** The `file` rule: sections and entries in document order. */
  fileAst(cst: CstNode): TskFileAst {
    const c = cst.children as Children;
    const all: { offset: number; el: CstElement }[] = [];
    for (const el of [...(c.section ?? []), ...(c.entry ?? []), ...(c.stray ?? [])]) all.push({ offset: firstOffset(el), el });
    all.sort((a, b) => a.offset - b.offset);
    const items: TskFileAst['items'] = [];
    for (const { el } of all) {
      if (isToken(el)) this.stray(el);
      else if (el.name === 'section') {
        const s = this.section(el);
        if (s) items.push(s);
      } else {
        const e = this.entry(el);
        if (e) items.push(e);
      }
    }
    return { kind: 'file', file: this.fileName, items };
  }

  private stray(tok: IToken): void {
    if (tok.isInsertedInRecovery) return;
    const type = tok.tokenType.name;
    const what =
      type === 'BadString' ? 'unterminated string' : type === 'Dash' ? DASH_OUTSIDE_BLOCK : `unexpected '${shortImage(tok.image)}'`;
    this.diagnostics.push(error('TSK_SYNTAX', what, this.loc(tok)));
  }

  private section(n: CstNode): SectionAst | undefined {
    const c = n.children as Children;
    const open = c.LBracket?.[0];
    const keyTok = c.key?.[0];
    if (!isToken(open) || !isToken(keyTok) || keyTok.isInsertedInRecovery) return undefined;
    const name = this.keyText(keyTok);
    const array = isToken(c.arrayOpen?.[0]);
    return {
      kind: 'section',
      path: name.split('.'),
      ...(array ? { array } : {}),
      location: this.loc(open),
      nameLocation: this.loc(keyTok),
    };
  }

  /** A key's text: a quoted key unescaped. */
  keyText(tok: IToken): string {
    const t = tok.tokenType.name;
    if (t === 'DoubleString' || t === 'SingleString') return unescapeString(tok.image.slice(1, -1));
    return tok.image;
  }

  private entry(n: CstNode): EntryAst | undefined {
    const c = n.children as Children;
    const keyTok = c.key?.[0];
    if (!isToken(keyTok) || keyTok.isInsertedInRecovery) return undefined;
    const keyLocation = this.loc(keyTok);
    const variable = keyTok.tokenType.name === 'Variable';
    const key = variable ? keyTok.image.slice(1) : this.keyText(keyTok);
    const dotted = variable ? undefined : dottedKey(keyTok, key);
    const block = c.indentBlock?.[0];
    if (isNode(block)) return withDotted({ kind: 'entry', key, keyLocation, variable, value: this.indentBlock(block) }, dotted);
    const v = c.value?.[0] ?? c.braceObject?.[0] ?? c.angleObject?.[0];
    // a key with nothing after it is debris of error recovery (already reported): no entry
    if (!isNode(v)) return undefined;
    if (v.name !== 'value') return withDotted({ kind: 'entry', key, keyLocation, variable, value: this.object(v), block: true }, dotted);
    return withDotted({ kind: 'entry', key, keyLocation, variable, value: this.valueWithList(v, c.listTail?.[0]) }, dotted);
  }

  /** A value, or the list it starts (`one, two, three`). */
  private valueWithList(v: CstNode, tail: CstElement | undefined): ValueAst {
    const first = this.value(v);
    const more = isNode(tail) ? ((tail.children as Children).item ?? []).filter(isNode) : [];
    if (more.length === 0) return first;
    return { kind: 'array', items: [first, ...more.map((m) => this.value(m))], location: first.location };
  }

  /** `braceObject` or `angleObject`. */
  private object(n: CstNode): ObjectAst {
    const c = n.children as Children;
    const open = (c.LCurly ?? c.Greater)?.[0];
    const location = this.loc(isToken(open) ? open : undefined);
    const { entries, dashes } = this.body(c.body?.[0]);
    for (const d of dashes) this.diagnostics.push(error('TSK_SYNTAX', DASH_OUTSIDE_BLOCK, this.loc(firstToken(d))));
    return { kind: 'object', entries, location };
  }

  /** The entries and dash items of a body, strays reported. */
  private body(body: CstElement | undefined): { entries: EntryAst[]; dashes: CstNode[] } {
    const entries: EntryAst[] = [];
    if (!isNode(body)) return { entries, dashes: [] };
    const bc = body.children as Children;
    for (const s of bc.stray ?? []) if (isToken(s)) this.stray(s);
    for (const e of bc.entry ?? []) {
      if (!isNode(e)) continue;
      const entry = this.entry(e);
      if (entry) entries.push(entry);
    }
    return { entries, dashes: (bc.dashItem ?? []).filter(isNode) };
  }

  /** The lines under a `key:`: an object of entries, or a list of `- ` items. */
  private indentBlock(n: CstNode): ValueAst {
    const c = n.children as Children;
    const indent = c.Indent?.[0];
    const location = this.loc(isToken(indent) ? indent : undefined);
    const { entries, dashes } = this.body(c.body?.[0]);
    if (dashes.length === 0) return { kind: 'object', entries, location };
    if (entries.length > 0) {
      const first = entries[0]!;
      this.diagnostics.push(
        error('TSK_SYNTAX', `a block holds '- ' items or 'key:' entries, not both: ${first.key} is among '- ' items`, first.keyLocation),
      );
    }
    return { kind: 'array', items: dashes.map((d) => this.dashItem(d)), location };
  }

  private dashItem(n: CstNode): ValueAst {
    const c = n.children as Children;
    const block = c.indentBlock?.[0];
    if (isNode(block)) return this.indentBlock(block);
    const v = c.value?.[0];
    return isNode(v) ? this.valueWithList(v, c.listTail?.[0]) : this.invalid(n);
  }

  value(n: CstNode): ValueAst {
    const c = n.children as Children;
    const test = this.binaryChain(n, c);
    const q = c.Question?.[0];
    if (!isToken(q)) return test;
    const th = c.then?.[0];
    const el = c.else?.[0];
    return {
      kind: 'conditional',
      test,
      then: isNode(th) ? this.value(th) : this.invalid(n),
      else: isNode(el) ? this.value(el) : this.invalid(n),
      location: test.location,
    };
  }

  /** Operands joined by binary operators, grouped by precedence (`precedence.ts`). */
  private binaryChain(n: CstNode, c: Children): ValueAst {
    const only = c.operand?.length === 1 && c.op === undefined ? c.operand[0] : undefined;
    if (isNode(only)) return this.operand(only); // the common case: one operand, no operator
    const operands = (c.operand ?? []).filter(isNode).map((o) => this.operand(o));
    if (operands.length === 0) return this.invalid(n);
    const ops = (c.op ?? []).filter(isToken).map((t) => t.image as BinaryOp);
    return chain(operands, ops);
  }

  private invalid(n: CstNode): ValueAst {
    return { kind: 'invalid', location: this.loc(firstToken(n)) };
  }

  private operand(n: CstNode): ValueAst {
    const c = n.children as Children;
    const unary = c.unary?.[0];
    const inner = c.operand?.[0];
    if (isToken(unary)) {
      const operand = isNode(inner) ? this.operand(inner) : this.invalid(n);
      return { kind: 'unary', op: unary.image === '!' ? '!' : '-', operand, location: this.loc(unary) };
    }
    for (const name in c) {
      const el = c[name]?.[0];
      if (isToken(el)) return this.literal(el);
      if (!isNode(el)) continue;
      if (name === 'operatorCall') return this.operatorCall(el);
      if (name === 'functionCall') return this.functionCall(el);
      if (name === 'braceObject') return this.object(el);
      if (name === 'array') return this.array(el);
      if (name === 'parenthesized') {
        const inner = (el.children as Children).value?.[0];
        return isNode(inner) ? this.value(inner) : this.invalid(el);
      }
    }
    return this.invalid(n);
  }

  /** A literal token's value (a string holding one operator call is that call). */
  literal(tok: IToken): ValueAst {
    const location = this.loc(tok);
    const img = tok.image;
    switch (tok.tokenType.name) {
      case 'DoubleString':
      case 'SingleString': {
        const raw = img.slice(1, -1);
        if (IN_STRING_CALL.test(raw)) {
          const call = this.inStringCall(raw, tok);
          if (call) return call;
        }
        return { kind: 'literal', value: unescapeString(raw), location };
      }
      case 'BareText':
        return { kind: 'literal', value: img, bare: true, location };
      case 'TripleSingleString':
      case 'TripleString': {
        const raw = img.slice(3, -3);
        return { kind: 'literal', value: raw.replace(/^\r?\n/, ''), location };
      }
      case 'BadString':
        this.diagnostics.push(error('TSK_SYNTAX', 'unterminated string', location));
        return { kind: 'invalid', location };
      case 'NumberLit':
        return { kind: 'literal', value: Number(img), location };
      case 'True':
        return { kind: 'literal', value: true, location };
      case 'False':
        return { kind: 'literal', value: false, location };
      case 'Null':
        return { kind: 'literal', value: null, location };
      case 'Variable':
        return this.variable(img, location);
      default: {
        const range = RANGE.exec(img);
        if (range) return this.range(Number(range[1]), Number(range[2]), img, location);
        return { kind: 'literal', value: img, bare: true, location };
      }
    }
  }

  private variable(img: string, location: SourceLocation): ValueAst {
    const nameEnd = img.search(/[.[]/);
    if (nameEnd < 0) return { kind: 'variable', name: img.slice(1), location };
    const access: (string | number)[] = [];
    for (const m of img.slice(nameEnd).matchAll(ACCESS)) access.push(m[2] !== undefined ? Number(m[2]) : m[1]!);
    return { kind: 'variable', name: img.slice(1, nameEnd), access, location };
  }

  private range(min: number, max: number, img: string, location: SourceLocation): ValueAst {
    if (min > max) {
      this.diagnostics.push(
        error('TSK_SYNTAX', `range ${img} has its min above its max (write "${img}" in quotes for a string)`, location),
      );
      return { kind: 'invalid', location };
    }
    return { kind: 'range', min, max, location };
  }

  /** Parses the raw text inside quotes as one operator call; undefined if it is not one. */
  private inStringCall(raw: string, tok: IToken): ValueAst | undefined {
    const lx = lexTsk(raw);
    if (lx.errors.length > 0) return undefined;
    const parsed = parseTokens(lx.tokens, 'operatorCall');
    if (parsed.errors.length > 0) return undefined;
    const at = this.loc(tok);
    // positions inside the string: the text starts one column after the opening quote
    const inner = new AstBuilder(this.fileName, this.diagnostics, at.line - 1, at.column);
    return inner.operatorCall(parsed.cst);
  }

  operatorCall(n: CstNode): ValueAst {
    const c = n.children as Children;
    const nameTok = c.OperatorName?.[0];
    const location = this.loc(isToken(nameTok) ? nameTok : undefined);
    const name = isToken(nameTok) ? nameTok.image.slice(1) : '';
    const args = (c.value ?? []).filter(isNode).map((v) => this.value(v));
    return { kind: 'operator', name, args, location };
  }

  /** `php(…)`: an operator written without `@`, refused by the evaluator with a hint. */
  private functionCall(n: CstNode): ValueAst {
    const c = n.children as Children;
    const nameTok = c.Word?.[0];
    const args = (c.value ?? []).filter(isNode).map((v) => this.value(v));
    return {
      kind: 'operator',
      name: isToken(nameTok) ? nameTok.image : '',
      bareCall: true,
      args,
      location: this.loc(isToken(nameTok) ? nameTok : undefined),
    };
  }

  private array(n: CstNode): ArrayAst {
    const c = n.children as Children;
    const open = c.LBracket?.[0];
    const items = (c.value ?? []).filter(isNode).map((v) => this.value(v));
    return { kind: 'array', items, location: this.loc(isToken(open) ? open : undefined) };
  }
}
