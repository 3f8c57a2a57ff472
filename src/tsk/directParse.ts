/**
 * The fast reading of error-free .tsk: laid-out tokens straight to the located AST, with no
 * CST and no visitor (Chevrotain's performance guide; issue 18: they were half of a large
 * file's parse, and most of its garbage). The language is still defined by the Chevrotain
 * grammar (grammar/parser.ts, which the EBNF and the diagrams show): this is a strict reading
 * of that grammar, rule for rule, taking the same alternative on the same lookahead, which
 * gives up (undefined) wherever the grammar would report an error or read a stray token.
 * The caller then reads the file through the grammar with error recovery, which reports it.
 * `test/tsk/directParse.unit.test.ts` holds the two readings to the same AST.
 */
import type { IToken, TokenType } from 'chevrotain';
import { binaryTokens, ENTRY_AFTER_KEY, keyTokens, LIST_ITEM_START, literalTokens, separatorTokens } from '../../grammar/parser.js';
import { TokenSet } from '../../grammar/tokenSet.js';
import * as T from '../../grammar/tokens.js';
import type { ArrayAst, BinaryOp, EntryAst, ObjectAst, SectionAst, TskFileAst, ValueAst } from './ast.js';
import { chain } from './precedence.js';
import { dottedKey, type AstBuilder } from './visitor.js';

/** Thrown where the grammar would not read the tokens as an error-free file; never escapes. */
const GIVE_UP = new Error('the direct reading gives up');

const KEY = new TokenSet(keyTokens);
const SEPARATOR = new TokenSet(separatorTokens);
const LITERAL = new TokenSet(literalTokens);
const BINARY = new TokenSet(binaryTokens);
/** The grammar's `value` can start with these (its `operand`'s first tokens). */
const VALUE_START = new TokenSet([...literalTokens, T.Bang, T.Minus, T.OperatorName, T.LCurly, T.LBracket, T.LParen]);

/**
 * The items of one piece of a file (a run of whole top-level statements, `lexInPieces`), or
 * undefined where the grammar would read something else than an error-free run of sections
 * and entries (what it found on the way is then taken back from `builder.diagnostics`).
 * Literal values, keys and locations come from `builder`, as on the CST path.
 */
export function parseItemsDirect(tokens: readonly IToken[], builder: AstBuilder): TskFileAst['items'] | undefined {
  const found = builder.diagnostics.length;
  try {
    return new DirectParser(tokens, builder).file();
  } catch (err) {
    if (err !== GIVE_UP) throw err;
    builder.diagnostics.length = found; // the grammar's reading finds them again
    return undefined;
  }
}

class DirectParser {
  private i = 0;

  constructor(
    private readonly tokens: readonly IToken[],
    private readonly b: AstBuilder,
  ) {}

  /** The type of the token `k` ahead (1: the next one); undefined at the end. */
  private la(k: number): TokenType | undefined {
    return this.tokens[this.i + k - 1]?.tokenType;
  }

  private next(): IToken {
    const tok = this.tokens[this.i];
    if (tok === undefined) throw GIVE_UP;
    this.i++;
    return tok;
  }

  private consume(type: TokenType): IToken {
    const tok = this.tokens[this.i];
    if (tok?.tokenType !== type) throw GIVE_UP;
    this.i++;
    return tok;
  }

  /** `file`: sections, entries and separators; a stray token gives up (it is an error). */
  file(): TskFileAst['items'] {
    const items: TskFileAst['items'] = [];
    for (let t = this.la(1); t !== undefined; t = this.la(1)) {
      if (t === T.LBracket) items.push(this.section());
      else if (KEY.has(t)) items.push(this.entry());
      else if (SEPARATOR.has(t)) this.i++;
      else throw GIVE_UP;
    }
    return items;
  }

  private section(): SectionAst {
    const open = this.consume(T.LBracket);
    const array = this.la(1) === T.LBracket;
    if (array) this.i++;
    const keyTok = this.next();
    if (!KEY.has(keyTok.tokenType)) throw GIVE_UP;
    if (array) this.consume(T.RBracket);
    this.consume(T.RBracket);
    return {
      kind: 'section',
      path: this.b.keyText(keyTok).split('.'),
      ...(array ? { array } : {}),
      location: this.b.loc(open),
      nameLocation: this.b.loc(keyTok),
    };
  }

  /** `entry`: the key, then `: ` + an indented block, `=`/`:` + a value (or list), `{ … }` or `> … <`. */
  private entry(): EntryAst {
    const keyTok = this.next();
    const keyLocation = this.b.loc(keyTok);
    const variable = keyTok.tokenType === T.Variable;
    const key = variable ? keyTok.image.slice(1) : this.b.keyText(keyTok);
    const dotted = variable ? undefined : dottedKey(keyTok, key);
    const t = this.la(1);
    let entry: EntryAst;
    if (t === T.Colon && this.la(2) === T.Indent) {
      this.i++;
      entry = { kind: 'entry', key, keyLocation, variable, value: this.indentBlock() };
    } else if (t === T.Colon || t === T.Assign) {
      this.i++;
      entry = { kind: 'entry', key, keyLocation, variable, value: this.valueWithList() };
    } else if (t === T.LCurly || t === T.Greater) {
      entry = { kind: 'entry', key, keyLocation, variable, value: this.object(), block: true };
    } else throw GIVE_UP;
    if (dotted) entry.dotted = dotted;
    return entry;
  }

  /** A `value` and its `listTail` (`one, two, three`). */
  private valueWithList(): ValueAst {
    const first = this.value();
    if (!this.listGoesOn()) return first;
    const items = [first];
    while (this.listGoesOn()) {
      this.i++;
      items.push(this.value());
    }
    return { kind: 'array', items, location: first.location };
  }

  private listGoesOn(): boolean {
    const t2 = this.la(2);
    const t3 = this.la(3);
    return this.la(1) === T.Comma && t2 !== undefined && LIST_ITEM_START.has(t2) && !(t3 !== undefined && ENTRY_AFTER_KEY.has(t3));
  }

  /** `braceObject` or `angleObject`: entries only (a `- ` item there is an error). */
  private object(): ObjectAst {
    const open = this.next();
    const close = open.tokenType === T.LCurly ? T.RCurly : T.Less;
    const location = this.b.loc(open);
    const entries = this.body(false) as EntryAst[];
    this.consume(close);
    return { kind: 'object', entries, location };
  }

  /** `indentBlock`: an object of entries, or a list of `- ` items (not both). */
  private indentBlock(): ValueAst {
    const indent = this.consume(T.Indent);
    const location = this.b.loc(indent);
    let k = 1;
    while (SEPARATOR.has(this.la(k))) k++;
    const dashes = this.la(k) === T.Dash;
    const items = this.body(dashes);
    this.consume(T.Dedent);
    return dashes ? { kind: 'array', items: items as ValueAst[], location } : { kind: 'object', entries: items as EntryAst[], location };
  }

  /** `body`: entries (or, when `dashes`, only `- ` items) and separators, up to its closer. */
  private body(dashes: boolean): (EntryAst | ValueAst)[] {
    const out: (EntryAst | ValueAst)[] = [];
    for (;;) {
      const t = this.la(1);
      if (t === undefined) throw GIVE_UP;
      if (SEPARATOR.has(t)) this.i++;
      else if (KEY.has(t) && !dashes) out.push(this.entry());
      else if (t === T.Dash && dashes) out.push(this.dashItem());
      else if (t === T.RCurly || t === T.Less || t === T.Dedent) return out;
      else throw GIVE_UP;
    }
  }

  private dashItem(): ValueAst {
    this.consume(T.Dash);
    return this.la(1) === T.Indent ? this.indentBlock() : this.valueWithList();
  }

  /** `value`: operands joined by binary operators (grouped by precedence), then `? then : else`. */
  private value(): ValueAst {
    let test = this.operand();
    if (BINARY.has(this.la(1))) {
      const operands = [test];
      const ops: BinaryOp[] = [];
      while (BINARY.has(this.la(1))) {
        ops.push(this.next().image as BinaryOp);
        operands.push(this.operand());
      }
      test = chain(operands, ops);
    }
    if (this.la(1) !== T.Question) return test;
    this.i++;
    const then = this.value();
    this.consume(T.Colon);
    return { kind: 'conditional', test, then, else: this.value(), location: test.location };
  }

  private operand(): ValueAst {
    const t = this.la(1);
    if (t === undefined) throw GIVE_UP;
    if (t === T.Word && this.la(2) === T.LParen) return this.call(true);
    if (LITERAL.has(t)) return this.b.literal(this.next());
    if (t === T.Bang || t === T.Minus) {
      const op = this.next();
      return { kind: 'unary', op: op.image === '!' ? '!' : '-', operand: this.operand(), location: this.b.loc(op) };
    }
    if (t === T.OperatorName) return this.call(false);
    if (t === T.LCurly) return this.object();
    if (t === T.LBracket) return this.array();
    if (t === T.LParen) {
      this.i++;
      const inner = this.value();
      this.consume(T.RParen);
      return inner;
    }
    throw GIVE_UP;
  }

  /** `array`: values, commas and line ends in any order. */
  private array(): ArrayAst {
    const open = this.consume(T.LBracket);
    const items: ValueAst[] = [];
    for (let t = this.la(1); t !== T.RBracket; t = this.la(1)) {
      if (t === T.Comma || t === T.Newline) this.i++;
      else if (t !== undefined && VALUE_START.has(t)) items.push(this.value());
      else throw GIVE_UP;
    }
    this.i++;
    return { kind: 'array', items, location: this.b.loc(open) };
  }

  /** `operatorCall` (`@name`, `@name(args)`) or `functionCall` (`php(…)`, refused later). */
  private call(bare: boolean): ValueAst {
    const nameTok = this.next();
    const args: ValueAst[] = [];
    if (bare || this.la(1) === T.LParen) {
      this.consume(T.LParen);
      if (VALUE_START.has(this.la(1))) {
        args.push(this.value());
        while (this.la(1) === T.Comma) {
          this.i++;
          args.push(this.value());
        }
      }
      this.consume(T.RParen);
    }
    const location = this.b.loc(nameTok);
    if (bare) return { kind: 'operator', name: nameTok.image, bareCall: true, args, location };
    return { kind: 'operator', name: nameTok.image.slice(1), args, location };
  }
}
