/**
 * Chevrotain's lexer and parser are built only when a file needs them (a syntax error, or what
 * the direct reading gives up on): building the parser runs its self-analysis, ~50 ms of every
 * `tusk-es serve` start (issue 21, warm_start), and the default app needs neither.
 */
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';

const built = vi.hoisted(() => ({ lexers: 0, parsers: 0 }));

vi.mock('chevrotain', async (importOriginal) => {
  const real = await importOriginal<typeof import('chevrotain')>();
  class Lexer extends real.Lexer {
    constructor(...args: ConstructorParameters<typeof real.Lexer>) {
      super(...args);
      built.lexers++;
    }
  }
  class CstParser extends real.CstParser {
    constructor(...args: ConstructorParameters<typeof real.CstParser>) {
      super(...args);
      built.parsers++;
    }
  }
  return { ...real, Lexer, CstParser };
});

const { loadConfig } = await import('../../src/config/index.js');
const { parseTsk } = await import('../../src/tsk/parse.js');

describe('the grammar is built on first need', () => {
  it('loading the default app builds neither the lexer nor the parser', async () => {
    const loaded = await loadConfig(join(import.meta.dirname, '..', '..', 'config', 'app.tsk'), { mode: 'serve', env: {} });
    expect(loaded.model).toBeDefined();
    expect(built).toEqual({ lexers: 0, parsers: 0 });
  });

  it('a syntax error builds both once, and is still reported where it is', () => {
    const first = parseTsk('a = 1\nb = [1, 2\n', 'bad.tsk');
    expect(first.diagnostics.map((d) => [d.code, d.location?.line])).toEqual([['TSK_SYNTAX', 2]]);
    parseTsk('c = {\n', 'bad2.tsk');
    expect(built).toEqual({ lexers: 1, parsers: 1 });
  });
});
