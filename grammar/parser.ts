/**
 * The .tsk grammar as a Chevrotain CstParser: rules are class fields, one shared instance,
 * error recovery on so that one run reports every syntax error. The grammar is pure: it
 * builds a CST only; `src/tsk/visitor.ts` gives it meaning and locations.
 */
import {
  CstParser,
  EOF,
  type CstNode,
  type IParserErrorMessageProvider,
  type IRecognitionException,
  type IToken,
  type TokenType,
} from 'chevrotain';
import { TokenSet } from './tokenSet.js';
import * as T from './tokens.js';

function describe(tok: IToken | undefined): string {
  if (!tok || tok.tokenType === EOF) return 'end of file';
  if (tok.tokenType === T.Newline) return 'end of line';
  return `'${shortImage(tok.image)}'`;
}

/** A token's text for a one-line message: its first line, at most 30 characters. */
export function shortImage(image: string): string {
  const first = image.split(/\r?\n|\r/)[0] ?? '';
  return first.length > 30 || first.length < image.length ? `${first.slice(0, 27)}...` : first;
}

function label(type: TokenType): string {
  return type.LABEL ?? type.name;
}

/** One-line messages: the default ones list every possible token path over several lines. */
export const messageProvider: IParserErrorMessageProvider = {
  buildMismatchTokenMessage: ({ expected, actual }) => `expected ${label(expected)} but found ${describe(actual)}`,
  buildNotAllInputParsedMessage: ({ firstRedundant }) => `unexpected ${describe(firstRedundant)}`,
  buildNoViableAltMessage: ({ actual, ruleName }) => `unexpected ${describe(actual[0])} in ${ruleText(ruleName)}`,
  buildEarlyExitMessage: ({ actual, ruleName }) => `unexpected ${describe(actual[0])} in ${ruleText(ruleName)}`,
};

function ruleText(rule: string): string {
  switch (rule) {
    case 'operand':
    case 'value':
      return 'a value';
    default:
      return rule;
  }
}

/** Tokens that cannot start an entry: consumed one by one (and reported) so parsing goes on. */
const bodyStrays = [
  T.RBracket,
  T.RParen,
  T.Assign,
  T.Colon,
  T.EqEq,
  T.NotEq,
  T.LessEq,
  T.GreaterEq,
  T.Greater,
  T.Question,
  T.Plus,
  T.LBracket,
  T.LCurly,
  T.LParen,
  T.OperatorName,
  T.TripleString,
  T.BadString,
  T.TripleSingleString,
  T.Minus,
  T.Star,
  T.Slash,
  T.Percent,
  T.AndAnd,
  T.OrOr,
  T.Bang,
  T.BareText,
];
const fileStrays = [...bodyStrays.filter((t) => t !== T.LBracket), T.RCurly, T.Less, T.Dash];

/** What may be a key (the direct reading, src/tsk/directParse.ts, uses these sets too). */
export const keyTokens = [T.Word, T.DoubleString, T.SingleString, T.Variable, T.NumberLit, T.True, T.False, T.Null];
export const separatorTokens = [T.Newline, T.Comma, T.Semicolon];
export const literalTokens = [
  T.DoubleString,
  T.SingleString,
  T.TripleString,
  T.TripleSingleString,
  T.BadString,
  T.NumberLit,
  T.True,
  T.False,
  T.Null,
  T.Word,
  T.Variable,
  T.BareText,
];
/** Binary operators; precedence is applied by the visitor (see `value`). */
export const binaryTokens = [
  T.OrOr,
  T.AndAnd,
  T.EqEq,
  T.NotEq,
  T.LessEq,
  T.GreaterEq,
  T.Less,
  T.Greater,
  T.Plus,
  T.Minus,
  T.Star,
  T.Slash,
  T.Percent,
];
/** What may start an item of a comma list (`a: one, two`). */
export const LIST_ITEM_START = new TokenSet([...literalTokens, T.OperatorName, T.LBracket, T.LParen, T.Minus, T.Bang]);
/** After a key, these make it an entry: `a = 1, b = 2` is two entries, not a list. */
export const ENTRY_AFTER_KEY = new TokenSet([T.Assign, T.Colon, T.LCurly, T.Greater]);

type Alt = { ALT: () => unknown };

/**
 * Rules are kept few and flat (no rule per precedence level, no rule per key or separator):
 * every rule invocation costs, and a 1 MB file has ~200k tokens. Alternatives arrays are built
 * once, not on every call.
 */
export class TskParser extends CstParser {
  private readonly alts = new Map<string, Alt[]>();

  constructor() {
    super(T.allTokens, { recoveryEnabled: true, errorMessageProvider: messageProvider, maxLookahead: 2 });
    this.performSelfAnalysis();
  }

  /** The alternatives for `name`, built on first use. */
  private cached(name: string, build: () => Alt[]): Alt[] {
    let alts = this.alts.get(name);
    if (!alts) {
      alts = build();
      this.alts.set(name, alts);
    }
    return alts;
  }

  /** One token of a set; `idx` distinguishes several such choices within one rule. */
  private consumeOneOf(idx: number, name: string, tokens: TokenType[], label?: string): void {
    const options = label ? { LABEL: label } : undefined;
    this.or(
      idx,
      this.cached(name, () => tokens.map((t) => ({ ALT: () => this.consume(idx, t, options) }))),
    );
  }

  /** A whole file: sections, entries and separators in any order. */
  file = this.RULE('file', () => {
    this.MANY(() => {
      this.OR(
        this.cached('file', () => [
          { ALT: () => this.SUBRULE(this.section) },
          { ALT: () => this.SUBRULE(this.entry) },
          { ALT: () => this.consumeOneOf(5, 'fileSep', separatorTokens, 'separator') },
          { ALT: () => this.consumeOneOf(6, 'fileStray', fileStrays, 'stray') },
        ]),
      );
    });
  });

  /** `[name]` or `[a.b]`: the entries after it go into that object; `[[name]]` adds an object to the list `name`. */
  section = this.RULE('section', () => {
    this.CONSUME(T.LBracket);
    this.OR(
      this.cached('section', () => [
        {
          ALT: () => {
            this.CONSUME2(T.LBracket, { LABEL: 'arrayOpen' });
            this.consumeOneOf(5, 'sectionKey', keyTokens, 'key');
            this.CONSUME2(T.RBracket, { LABEL: 'arrayClose' });
          },
        },
        { ALT: () => this.consumeOneOf(6, 'sectionKey2', keyTokens, 'key') },
      ]),
    );
    this.CONSUME(T.RBracket);
  });

  /** `key = value`, `key: value`, `key: one, two`, `key:` + an indented block, `key { … }`, `key > … <`. */
  entry = this.RULE('entry', () => {
    this.consumeOneOf(5, 'entryKey', keyTokens, 'key');
    this.OR(
      this.cached('entry', () => [
        {
          ALT: () => {
            this.CONSUME(T.Colon);
            this.SUBRULE(this.indentBlock);
          },
        },
        {
          ALT: () => {
            this.OR2(this.cached('assign', () => [{ ALT: () => this.CONSUME2(T.Assign) }, { ALT: () => this.CONSUME2(T.Colon) }]));
            this.SUBRULE(this.value);
            this.SUBRULE(this.listTail);
          },
        },
        { ALT: () => this.SUBRULE(this.braceObject) },
        { ALT: () => this.SUBRULE(this.angleObject) },
      ]),
    );
  });

  /** `, two, three` after the first value of a comma list. */
  listTail = this.RULE('listTail', () => {
    this.MANY({
      GATE: () =>
        this.LA(1).tokenType === T.Comma && LIST_ITEM_START.has(this.LA(2).tokenType) && !ENTRY_AFTER_KEY.has(this.LA(3).tokenType),
      DEF: () => {
        this.CONSUME(T.Comma);
        this.SUBRULE(this.value, { LABEL: 'item' });
      },
    });
  });

  /** Entries of an object (or `- ` items of an indented list), separated by newlines, commas or semicolons. */
  body = this.RULE('body', () => {
    this.MANY(() => {
      this.OR(
        this.cached('body', () => [
          { ALT: () => this.SUBRULE(this.entry) },
          { ALT: () => this.SUBRULE(this.dashItem) },
          { ALT: () => this.consumeOneOf(5, 'bodySep', separatorTokens, 'separator') },
          { ALT: () => this.consumeOneOf(6, 'bodyStray', bodyStrays, 'stray') },
        ]),
      );
    });
  });

  /** The lines indented under a `key:` (Indent and Dedent come from the layout pass). */
  indentBlock = this.RULE('indentBlock', () => {
    this.CONSUME(T.Indent);
    this.SUBRULE(this.body);
    this.CONSUME(T.Dedent);
  });

  /** `- value`, or `- key: value` opening an object whose later keys line up under the first. */
  dashItem = this.RULE('dashItem', () => {
    this.CONSUME(T.Dash);
    this.OR(
      this.cached('dashItem', () => [
        { ALT: () => this.SUBRULE(this.indentBlock) },
        {
          ALT: () => {
            this.SUBRULE(this.value);
            this.SUBRULE(this.listTail);
          },
        },
      ]),
    );
  });

  braceObject = this.RULE('braceObject', () => {
    this.CONSUME(T.LCurly);
    this.SUBRULE(this.body);
    this.CONSUME(T.RCurly);
  });

  /** TuskLang's `name > … <` block. */
  angleObject = this.RULE('angleObject', () => {
    this.CONSUME(T.Greater);
    this.SUBRULE(this.body);
    this.CONSUME(T.Less);
  });

  /**
   * A value: operands joined by `+` and comparisons, optionally `? then : else`. Precedence
   * (`+` before comparisons) is applied by the visitor; the grammar stays flat for speed.
   */
  value = this.RULE('value', () => {
    this.SUBRULE(this.operand);
    this.MANY(() => {
      this.consumeOneOf(5, 'binary', binaryTokens, 'op');
      this.SUBRULE2(this.operand);
    });
    this.OPTION(() => {
      this.CONSUME(T.Question);
      this.SUBRULE(this.value, { LABEL: 'then' });
      this.CONSUME(T.Colon);
      this.SUBRULE2(this.value, { LABEL: 'else' });
    });
  });

  operand = this.RULE('operand', () => {
    this.OR(
      this.cached('operand', () => [
        { ALT: () => this.SUBRULE(this.functionCall) },
        { ALT: () => this.consumeOneOf(5, 'literal', literalTokens) },
        {
          ALT: () => {
            this.consumeOneOf(6, 'unary', [T.Bang, T.Minus], 'unary');
            this.SUBRULE(this.operand);
          },
        },
        { ALT: () => this.SUBRULE(this.operatorCall) },
        { ALT: () => this.SUBRULE(this.braceObject) },
        { ALT: () => this.SUBRULE(this.array) },
        { ALT: () => this.SUBRULE(this.parenthesized) },
      ]),
    );
  });

  /** `[a, b]`, newline- or comma-separated, trailing comma allowed. */
  array = this.RULE('array', () => {
    this.CONSUME(T.LBracket);
    this.MANY(() => {
      this.OR(
        this.cached('array', () => [
          { ALT: () => this.SUBRULE(this.value) },
          { ALT: () => this.CONSUME(T.Comma) },
          { ALT: () => this.CONSUME(T.Newline) },
        ]),
      );
    });
    this.CONSUME(T.RBracket);
  });

  parenthesized = this.RULE('parenthesized', () => {
    this.CONSUME(T.LParen);
    this.SUBRULE(this.value);
    this.CONSUME(T.RParen);
  });

  /** `php(…)` and the like: read only to be refused with a clear message. */
  functionCall = this.RULE('functionCall', () => {
    this.CONSUME(T.Word);
    this.CONSUME(T.LParen);
    this.MANY_SEP({ SEP: T.Comma, DEF: () => this.SUBRULE(this.value) });
    this.CONSUME(T.RParen);
  });

  /** `@name(args)`; the parentheses may be left out when there are no arguments. */
  operatorCall = this.RULE('operatorCall', () => {
    this.CONSUME(T.OperatorName);
    this.OPTION(() => {
      this.CONSUME(T.LParen);
      this.MANY_SEP({ SEP: T.Comma, DEF: () => this.SUBRULE(this.value) });
      this.CONSUME(T.RParen);
    });
  });
}

let shared: TskParser | undefined;

/**
 * The one shared parser instance, built on first use: its self-analysis is expensive (~50 ms of
 * a server's start), and a file the direct reading takes whole (src/tsk/directParse.ts) never
 * needs it.
 */
export function tskParser(): TskParser {
  return (shared ??= new TskParser());
}

export interface ParseResult {
  cst: CstNode;
  errors: IRecognitionException[];
}

/**
 * Parses one piece of a file (a run of whole top-level statements, from `lexInPieces`) with
 * the `file` rule; undefined at a syntax error, where the caller parses the whole file with
 * error recovery instead. Each piece's CST is turned into AST before the next is built, so a
 * large file's CST is never alive at once: it dies young.
 */
export function parsePiece(tokens: IToken[]): CstNode | undefined {
  const parser = tskParser();
  parser.input = tokens;
  const cst = parser.file();
  return parser.errors.length > 0 ? undefined : cst;
}

/** Parses tokens into a CST with the given start rule; errors are returned, never thrown. */
export function parseTokens(tokens: IToken[], rule: 'file' | 'operatorCall' = 'file'): ParseResult {
  const parser = tskParser();
  parser.input = tokens;
  const cst = rule === 'file' ? parser.file() : parser.operatorCall();
  return { cst, errors: [...parser.errors] };
}
