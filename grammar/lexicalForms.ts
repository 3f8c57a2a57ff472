/**
 * The forms of .tsk that live in its tokens, not in the parser's rules (a range, a dotted key,
 * `@env.NAME`, `$var.key[0]`, comments, `'''` strings, an unquoted value), as railroad rules
 * for grammar/diagrams.html, so the diagram shows every form the EBNF shows (issue 18). They
 * are drawings only: the lexer (grammar/tokens.ts) and the layout pass (grammar/layout.ts)
 * read these forms, and the meanings are src/tsk/'s.
 */
import {
  Alternation,
  Alternative,
  createToken,
  Lexer,
  NonTerminal,
  Option,
  Repetition,
  Rule,
  Terminal,
  type IProduction,
  type TokenType,
} from 'chevrotain';

const drawn = new Map<string, TokenType>();
/** A terminal that is only drawn (its token type is never lexed; one per label). */
function t(label: string): Terminal {
  let type = drawn.get(label);
  if (!type) drawn.set(label, (type = createToken({ name: `drawn ${label}`, pattern: Lexer.NA, label })));
  return new Terminal({ terminalType: type });
}
const seq = (...definition: IProduction[]) => new Alternative({ definition });
const or = (...alts: IProduction[][]) => new Alternation({ definition: alts.map((a) => seq(...a)) });
const many = (...definition: IProduction[]) => new Repetition({ definition });
const opt = (...definition: IProduction[]) => new Option({ definition });
const sub = (name: string) => new NonTerminal({ nonTerminalName: name, referencedRule: new Rule({ name, definition: [] }) });

/** The lexical forms, in the order the EBNF's lexical section gives them. */
export function lexicalRules(): Rule[] {
  const digits = () => t('digits');
  const name = () => t('name');
  const number = () => [digits(), opt(t("'.'"), digits())];
  return [
    // 8000-9000 → { min, max }; a date (2024-01-01) or a version (1.0-beta) is a WORD
    new Rule({ name: 'range', definition: [...number(), t("'-' (no spaces)"), ...number()] }),
    // default.active = true inside [channels] → channels.default.active
    new Rule({ name: 'dottedKey', definition: [name(), many(t("'.'"), name())] }),
    // @env.PORT is @env("PORT"); || gives a default
    new Rule({ name: 'envShorthand', definition: [t("'@env'"), t("'.'"), name(), opt(t("'||'"), sub('value'))] }),
    new Rule({ name: 'variableAccess', definition: [t("'$'"), name(), many(or([t("'.'"), name()], [t("'['"), digits(), t("']'")]))] }),
    new Rule({
      name: 'comment',
      definition: [
        or(
          [t("'#'"), t('any character but a line break')],
          [t("'//'"), t('any character but a line break')],
          [t("'/*'"), t('any character, over lines'), t("'*/'")],
        ),
      ],
    }),
    new Rule({ name: 'tripleSingleString', definition: [t("\"'''\""), t('any character, over lines (verbatim)'), t("\"'''\"")] }),
    // url: http://localhost:8080/api, title: Hello World, city: Zürich
    new Rule({
      name: 'unquotedValue',
      definition: [or([t('scheme://…')], [t('letter'), t('text to the end of the line')]), opt(t('comment'))],
    }),
    new Rule({
      name: 'identifier',
      definition: [or([t('letter (any script)')], [t("'_'")]), many(or([t('letter (any script)')], [t('digit')], [t("'_'")]))],
    }),
  ];
}
