/**
 * The .tsk grammar as a Chevrotain CstParser: rules are class fields, one shared instance,
 * error recovery on so that one run reports every syntax error. The grammar is pure: it
 * builds a CST only; `src/tsk/visitor.ts` gives it meaning and locations.
 */
import { CstParser, EOF, type CstNode, type IParserErrorMessageProvider, type IRecognitionException, type IToken, type TokenType } from 'chevrotain';
import * as T from './tokens.js';

function describe(tok: IToken | undefined): string {
  if (!tok || tok.tokenType === EOF) return 'end of file';
  if (tok.tokenType === T.Newline) return 'end of line';
  const image = tok.image.length > 30 ? `${tok.image.slice(0, 27)}...` : tok.image;
  return `'${image}'`;
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
    case 'primary':
    case 'value':
      return 'a value';
    case 'key':
      return 'a key';
    case 'separator':
      return 'a separator';
    default:
      return rule;
  }
}

/** Tokens that cannot start an entry: consumed one by one (and reported) so parsing goes on. */
const bodyStrays = [
  T.RBracket, T.RParen, T.Assign, T.Colon, T.EqEq, T.NotEq, T.LessEq, T.GreaterEq, T.Greater,
  T.Question, T.Plus, T.LBracket, T.LCurly, T.LParen, T.OperatorName, T.TripleString, T.BadString,
];
const fileStrays = [...bodyStrays.filter((t) => t !== T.LBracket), T.RCurly, T.Less];

export class TskParser extends CstParser {
  constructor() {
    super(T.allTokens, { recoveryEnabled: true, errorMessageProvider: messageProvider, maxLookahead: 2, nodeLocationTracking: 'onlyOffset' });
    this.performSelfAnalysis();
  }

  /** A whole file: sections, entries and separators in any order. */
  file = this.RULE('file', () => {
    this.MANY(() => {
      this.OR([
        { ALT: () => this.SUBRULE(this.section) },
        { ALT: () => this.SUBRULE(this.entry) },
        { ALT: () => this.SUBRULE(this.separator) },
        { ALT: () => this.SUBRULE(this.fileStray) },
      ]);
    });
  });

  /** `[name]` or `[a.b]`: the entries after it go into that object. */
  section = this.RULE('section', () => {
    this.CONSUME(T.LBracket);
    this.SUBRULE(this.key);
    this.CONSUME(T.RBracket);
  });

  /** `key = value`, `key: value`, `key { … }`, `key > … <`. */
  entry = this.RULE('entry', () => {
    this.SUBRULE(this.key);
    this.OR([
      {
        ALT: () => {
          this.OR2([{ ALT: () => this.CONSUME(T.Assign) }, { ALT: () => this.CONSUME(T.Colon) }]);
          this.SUBRULE(this.value);
        },
      },
      { ALT: () => this.SUBRULE(this.braceObject) },
      { ALT: () => this.SUBRULE(this.angleObject) },
    ]);
  });

  key = this.RULE('key', () => {
    this.OR([
      { ALT: () => this.CONSUME(T.Word) },
      { ALT: () => this.CONSUME(T.DoubleString) },
      { ALT: () => this.CONSUME(T.SingleString) },
      { ALT: () => this.CONSUME(T.Variable) },
      { ALT: () => this.CONSUME(T.NumberLit) },
      { ALT: () => this.CONSUME(T.True) },
      { ALT: () => this.CONSUME(T.False) },
      { ALT: () => this.CONSUME(T.Null) },
    ]);
  });

  separator = this.RULE('separator', () => {
    this.OR([
      { ALT: () => this.CONSUME(T.Newline) },
      { ALT: () => this.CONSUME(T.Comma) },
      { ALT: () => this.CONSUME(T.Semicolon) },
    ]);
  });

  /** Entries of an object, separated by newlines, commas or semicolons. */
  body = this.RULE('body', () => {
    this.MANY(() => {
      this.OR([
        { ALT: () => this.SUBRULE(this.entry) },
        { ALT: () => this.SUBRULE(this.separator) },
        { ALT: () => this.SUBRULE(this.bodyStray) },
      ]);
    });
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

  /** A value: an expression over literals, variables and operator calls. */
  value = this.RULE('value', () => {
    this.SUBRULE(this.comparison);
    this.OPTION(() => {
      this.CONSUME(T.Question);
      this.SUBRULE(this.value, { LABEL: 'then' });
      this.CONSUME(T.Colon);
      this.SUBRULE2(this.value, { LABEL: 'else' });
    });
  });

  comparison = this.RULE('comparison', () => {
    this.SUBRULE(this.additive);
    this.OPTION(() => {
      this.OR([
        { ALT: () => this.CONSUME(T.EqEq, { LABEL: 'op' }) },
        { ALT: () => this.CONSUME(T.NotEq, { LABEL: 'op' }) },
        { ALT: () => this.CONSUME(T.LessEq, { LABEL: 'op' }) },
        { ALT: () => this.CONSUME(T.GreaterEq, { LABEL: 'op' }) },
        { ALT: () => this.CONSUME(T.Less, { LABEL: 'op' }) },
        { ALT: () => this.CONSUME(T.Greater, { LABEL: 'op' }) },
      ]);
      this.SUBRULE2(this.additive);
    });
  });

  additive = this.RULE('additive', () => {
    this.SUBRULE(this.primary);
    this.MANY(() => {
      this.CONSUME(T.Plus);
      this.SUBRULE2(this.primary);
    });
  });

  primary = this.RULE('primary', () => {
    this.OR([
      { ALT: () => this.CONSUME(T.DoubleString) },
      { ALT: () => this.CONSUME(T.SingleString) },
      { ALT: () => this.CONSUME(T.TripleString) },
      { ALT: () => this.CONSUME(T.BadString) },
      { ALT: () => this.CONSUME(T.NumberLit) },
      { ALT: () => this.CONSUME(T.True) },
      { ALT: () => this.CONSUME(T.False) },
      { ALT: () => this.CONSUME(T.Null) },
      { ALT: () => this.CONSUME(T.Word) },
      { ALT: () => this.CONSUME(T.Variable) },
      { ALT: () => this.SUBRULE(this.operatorCall) },
      { ALT: () => this.SUBRULE(this.braceObject) },
      { ALT: () => this.SUBRULE(this.array) },
      { ALT: () => this.SUBRULE(this.parenthesized) },
    ]);
  });

  /** `[a, b]`, newline- or comma-separated, trailing comma allowed. */
  array = this.RULE('array', () => {
    this.CONSUME(T.LBracket);
    this.MANY(() => {
      this.OR([
        { ALT: () => this.SUBRULE(this.value) },
        { ALT: () => this.CONSUME(T.Comma) },
        { ALT: () => this.CONSUME(T.Newline) },
      ]);
    });
    this.CONSUME(T.RBracket);
  });

  parenthesized = this.RULE('parenthesized', () => {
    this.CONSUME(T.LParen);
    this.SUBRULE(this.value);
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

  bodyStray = this.RULE('bodyStray', () => {
    this.OR(bodyStrays.map((t) => ({ ALT: () => this.CONSUME(t) })));
  });

  fileStray = this.RULE('fileStray', () => {
    this.OR(fileStrays.map((t) => ({ ALT: () => this.CONSUME(t) })));
  });
}

/** The one shared parser instance (self-analysis is expensive; do it once). */
export const tskParser = new TskParser();

export interface ParseResult {
  cst: CstNode;
  errors: IRecognitionException[];
}

/** Parses tokens into a CST with the given start rule; errors are returned, never thrown. */
export function parseTokens(tokens: IToken[], rule: 'file' | 'operatorCall' = 'file'): ParseResult {
  tskParser.input = tokens;
  const cst = rule === 'file' ? tskParser.file() : tskParser.operatorCall();
  return { cst, errors: [...tskParser.errors] };
}
