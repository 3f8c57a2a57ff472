/**
 * CST → located AST. Reads the Chevrotain CST defensively (error recovery can leave any
 * child missing), decodes strings, reports stray tokens, and re-parses a quoted string whose
 * whole content is one operator call (seed 001: `"@env('DB_PORT', 5432)"`).
 */
import type { CstElement, CstNode, IToken } from 'chevrotain';
import { error, type Diagnostic, type SourceLocation } from '../diagnostics.js';
import { lexTsk } from '../../grammar/lexer.js';
import { parseTokens } from '../../grammar/parser.js';
import type { ArrayAst, BinaryOp, EntryAst, ObjectAst, SectionAst, TskFileAst, ValueAst } from './ast.js';

type Children = Record<string, CstElement[] | undefined>;

const IN_STRING_CALL = /^\s*@[A-Za-z_][A-Za-z0-9_.]*\s*\([\s\S]*\)\s*$/;

function isToken(e: CstElement | undefined): e is IToken {
  return e !== undefined && 'image' in e;
}
function isNode(e: CstElement | undefined): e is CstNode {
  return e !== undefined && 'children' in e;
}

/** Decodes the escapes of a quoted string body: \n \t \r \" \' \\ (others are kept as written). */
export function unescapeString(body: string): string {
  if (!body.includes('\\')) return body;
  return body.replace(/\\([\s\S])/g, (whole, c: string) => {
    switch (c) {
      case 'n': return '\n';
      case 't': return '\t';
      case 'r': return '\r';
      case '"': case "'": case '\\': return c;
      default: return whole;
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
    const nodes = [...(c.section ?? []), ...(c.entry ?? []), ...(c.fileStray ?? [])].filter(isNode);
    nodes.sort((a, b) => (a.location?.startOffset ?? 0) - (b.location?.startOffset ?? 0));
    const items: TskFileAst['items'] = [];
    for (const n of nodes) {
      if (n.name === 'section') {
        const s = this.section(n);
        if (s) items.push(s);
      } else if (n.name === 'entry') {
        const e = this.entry(n);
        if (e) items.push(e);
      } else this.stray(n);
    }
    return { kind: 'file', file: this.fileName, items };
  }

  private stray(n: CstNode): void {
    const tok = Object.values(n.children as Children).flat().find(isToken);
    if (!tok || tok.isInsertedInRecovery) return;
    const what = tok.tokenType.name === 'BadString' ? 'unterminated string' : `unexpected '${tok.image.slice(0, 30)}'`;
    this.diagnostics.push(error('TSK_SYNTAX', what, this.loc(tok)));
  }

  private section(n: CstNode): SectionAst | undefined {
    const c = n.children as Children;
    const open = c.LBracket?.[0];
    const keyNode = c.key?.[0];
    const keyTok = isNode(keyNode) ? this.keyToken(keyNode) : undefined;
    if (!isToken(open) || !keyTok) return undefined;
    const name = this.keyText(keyTok);
    return { kind: 'section', path: name.split('.'), location: this.loc(open), nameLocation: this.loc(keyTok) };
  }

  private keyToken(n: CstNode): IToken | undefined {
    return Object.values(n.children as Children).flat().find(isToken);
  }

  private keyText(tok: IToken): string {
    const t = tok.tokenType.name;
    if (t === 'DoubleString' || t === 'SingleString') return unescapeString(tok.image.slice(1, -1));
    return tok.image;
  }

  private entry(n: CstNode): EntryAst | undefined {
    const c = n.children as Children;
    const keyNode = c.key?.[0];
    const keyTok = isNode(keyNode) ? this.keyToken(keyNode) : undefined;
    if (!keyTok || keyTok.isInsertedInRecovery) return undefined;
    const keyLocation = this.loc(keyTok);
    const variable = keyTok.tokenType.name === 'Variable';
    const key = variable ? keyTok.image.slice(1) : this.keyText(keyTok);
    const v = c.value?.[0] ?? c.braceObject?.[0] ?? c.angleObject?.[0];
    // a key with nothing after it is debris of error recovery (already reported): no entry
    if (!isNode(v)) return undefined;
    const value = v.name === 'value' ? this.value(v) : this.object(v);
    return { kind: 'entry', key, keyLocation, variable, value };
  }

  /** `braceObject` or `angleObject`. */
  private object(n: CstNode): ObjectAst {
    const c = n.children as Children;
    const open = (c.LCurly ?? c.Greater)?.[0];
    const location = this.loc(isToken(open) ? open : undefined);
    const body = c.body?.[0];
    const entries: EntryAst[] = [];
    if (isNode(body)) {
      const bc = body.children as Children;
      for (const s of bc.bodyStray ?? []) if (isNode(s)) this.stray(s);
      for (const e of bc.entry ?? []) {
        if (!isNode(e)) continue;
        const entry = this.entry(e);
        if (entry) entries.push(entry);
      }
    }
    return { kind: 'object', entries, location };
  }

  value(n: CstNode): ValueAst {
    const c = n.children as Children;
    const cmp = c.comparison?.[0];
    const test = isNode(cmp) ? this.comparison(cmp) : this.invalid(n);
    const q = c.Question?.[0];
    const th = c.then?.[0];
    const el = c.else?.[0];
    if (!isToken(q)) return test;
    return {
      kind: 'conditional',
      test,
      then: isNode(th) ? this.value(th) : this.invalid(n),
      else: isNode(el) ? this.value(el) : this.invalid(n),
      location: test.location,
    };
  }

  private invalid(n: CstNode): ValueAst {
    const tok = Object.values(n.children as Children).flat().find(isToken);
    return { kind: 'invalid', location: this.loc(tok) };
  }

  private comparison(n: CstNode): ValueAst {
    const c = n.children as Children;
    const [a, b] = (c.additive ?? []).filter(isNode);
    const left = a ? this.additive(a) : this.invalid(n);
    const op = c.op?.[0];
    if (!isToken(op) || !b) return left;
    return { kind: 'binary', op: op.image as BinaryOp, left, right: this.additive(b), location: left.location };
  }

  private additive(n: CstNode): ValueAst {
    const c = n.children as Children;
    const parts = (c.primary ?? []).filter(isNode).map((p) => this.primary(p));
    let acc = parts[0] ?? this.invalid(n);
    for (const p of parts.slice(1)) acc = { kind: 'binary', op: '+', left: acc, right: p, location: acc.location };
    return acc;
  }

  private primary(n: CstNode): ValueAst {
    const c = n.children as Children;
    for (const [name, list] of Object.entries(c)) {
      const el = list?.[0];
      if (isNode(el)) {
        if (name === 'operatorCall') return this.operatorCall(el);
        if (name === 'braceObject') return this.object(el);
        if (name === 'array') return this.array(el);
        if (name === 'parenthesized') {
          const inner = (el.children as Children).value?.[0];
          return isNode(inner) ? this.value(inner) : this.invalid(el);
        }
      } else if (isToken(el)) {
        return this.literal(el);
      }
    }
    return this.invalid(n);
  }

  private literal(tok: IToken): ValueAst {
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
        return { kind: 'variable', name: img.slice(1), location };
      default:
        return { kind: 'literal', value: img, bare: true, location };
    }
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

  private array(n: CstNode): ArrayAst {
    const c = n.children as Children;
    const open = c.LBracket?.[0];
    const items = (c.value ?? []).filter(isNode).map((v) => this.value(v));
    return { kind: 'array', items, location: this.loc(isToken(open) ? open : undefined) };
  }
}
