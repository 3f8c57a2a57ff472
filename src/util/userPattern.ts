/**
 * User `pattern`s (input and event field specs) run on RE2 semantics through re2js, a pure
 * JavaScript port of RE2: matching takes time linear in the value whatever the pattern, so a
 * pattern such as `^(a+)+$` cannot make one request block the server (ReDoS). The syntax is
 * JavaScript's, translated (`\u00e9`, `[^]`, `\cJ`), minus what needs backtracking:
 * backreferences and lookaround, which `check` refuses with a located diagnostic.
 */
import { RE2JS } from 're2js';

/** A compiled user pattern: `test` finds a match anywhere in the value, as RegExp#test does. */
export interface UserPattern {
  readonly source: string;
  test(value: string): boolean;
}

/** Compiles `source`; throws an Error whose message is patternProblem's. */
export function compileUserPattern(source: string): UserPattern {
  const compiled = compileOrProblem(source);
  if (typeof compiled === 'string') throw new Error(compiled);
  return { source, test: (value) => compiled.test(value) };
}

/** Why `source` cannot be a pattern (unsupported or malformed), or undefined when it can. */
export function patternProblem(source: string): string | undefined {
  const compiled = compileOrProblem(source);
  return typeof compiled === 'string' ? compiled : undefined;
}

function compileOrProblem(source: string): RE2JS | string {
  try {
    return RE2JS.compile(RE2JS.translateRegExp(source));
  } catch (err) {
    const reason = err instanceof Error ? err.message.replace(/^error parsing regexp: /, '') : String(err);
    if (!validJavaScript(source)) return `invalid regular expression /${source}/: ${reason}`;
    return (
      `the regular expression /${source}/ uses syntax that cannot run in linear time (${reason}): ` +
      'patterns run on RE2 semantics, without backreferences or lookaround'
    );
  }
}

// Building a RegExp only parses it (nothing is matched), so this is safe on any pattern.
function validJavaScript(source: string): boolean {
  try {
    new RegExp(source, 'u');
    return true;
  } catch {
    return false;
  }
}
