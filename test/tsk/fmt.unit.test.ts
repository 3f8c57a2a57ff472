/**
 * `tusk-es fmt` (issue 17, item 4): the canonical layout keeps comments, block styles and key
 * order, is idempotent, and never changes what `print` gives, over the grammar's fuzz corpus,
 * generated well-formed text in every form, the seed files and every .tsk in the repo.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatTsk } from '../../src/tsk/format/formatTsk.js';
import { loadTskText, parseTsk, redact } from '../../src/tsk/index.js';
import { anyText, seeds, wellFormed } from './corpus.js';
import { ROOT, wellFormedRepoFiles } from './repoFiles.js';

const FILE = join(ROOT, 'test/fixtures/fmt-property.tsk');

/** What `tusk-es print` gives for the text: the redacted tree and the diagnostics (without positions). */
async function printed(text: string): Promise<string> {
  const doc = await loadTskText(text, FILE, { mode: 'print', env: { HOME: '/home/u' }, now: new Date(0) });
  const diagnostics = doc.diagnostics.map((d) => `${d.severity} ${d.code} ${d.message}`).sort();
  return JSON.stringify({ tree: redact(doc.value, doc.secrets), diagnostics }, null, 1);
}

function format(text: string): string {
  const r = formatTsk(text, FILE);
  if (!r.ok)
    throw new Error(`refused: ${r.diagnostics.map((d) => `${d.location?.line}:${d.location?.column} ${d.code} ${d.message}`).join('; ')}`);
  return r.text;
}

/** print(fmt(x)) == print(x) and fmt(fmt(x)) == fmt(x). */
async function holds(text: string): Promise<void> {
  const once = format(text);
  expect(format(once)).toBe(once);
  expect(await printed(once)).toBe(await printed(text));
}

describe('fmt: the print-equivalence property', () => {
  it('holds for well-formed text in every form, messily spaced (never refused)', async () => {
    await fc.assert(fc.asyncProperty(wellFormed, holds), { numRuns: 400 });
  }, 120_000);

  it('holds for the fuzz corpus; what it refuses has syntax errors', async () => {
    let formatted = 0;
    await fc.assert(
      fc.asyncProperty(anyText, async (text) => {
        const r = formatTsk(text, FILE);
        if (!r.ok) {
          expect(r.diagnostics.map((d) => d.code)).toContain('TSK_SYNTAX');
          expect(parseTsk(text, FILE).diagnostics.some((d) => d.severity === 'error')).toBe(true);
          return;
        }
        formatted++;
        await holds(text);
      }),
      { numRuns: 300 },
    );
    expect(formatted).toBeGreaterThan(0);
  }, 120_000);

  it('holds for every seed file', async () => {
    expect(seeds.length).toBe(22);
    for (const seed of seeds) await holds(seed);
  }, 60_000);

  it('holds for every .tsk in the repo (but the broken-on-purpose fixtures)', async () => {
    const files = wellFormedRepoFiles();
    expect(files).toContain('config/app.tsk');
    for (const f of files) await holds(readFileSync(join(ROOT, f), 'utf8'));
  }, 60_000);
});

describe('fmt: the canonical layout', () => {
  it('indents brace and angle blocks 4 spaces a level, and closers under their opener', () => {
    const text = 'a = {\nb = 1\n      c = [\n  1,\n 2\n ]\n  }\nsrv >\n port: 1\n    <\nl = [{\nx = 1\n}, {\ny = 2\n}]\n';
    expect(format(text)).toBe(
      'a = {\n    b = 1\n    c = [\n        1,\n        2\n    ]\n}\nsrv >\n    port: 1\n<\nl = [{\n    x = 1\n}, {\n    y = 2\n}]\n',
    );
  });

  it('re-indents `key:` blocks and dash lists (tabs or 2 spaces) and keeps their meaning', () => {
    const text = 'db:\n\thost: h\n\tpool:\n\t\tmax: 10\nports:\n  - 80\n  -   name: web\n      tags:\n        - a\nnext: 1\n';
    expect(format(text)).toBe(
      'db:\n    host: h\n    pool:\n        max: 10\nports:\n    - 80\n    - name: web\n      tags:\n          - a\nnext: 1\n',
    );
  });

  it('spaces tokens one way, keeps the padding that lines up `=`, and keeps every token as written', () => {
    const text =
      'a=1\n"none"   = ["x" ,"y"]\nb: {c=1,d : 2}\ne = @env( "X" , "d" )\nf = ( $a+1 )*2\ng = ! $flag\nh = $v>1?"y":"n"\nurl: http://x:8/a\n';
    expect(format(text)).toBe(
      'a = 1\n"none"   = ["x", "y"]\nb: { c = 1, d: 2 }\ne = @env("X", "d")\nf = ($a + 1) * 2\ng = !$flag\nh = $v > 1 ? "y" : "n"\nurl: http://x:8/a\n',
    );
  });

  it('keeps comments: own-line ones at their block, trailing ones at their column when there is room', () => {
    const text =
      '# head\n\n\n\na = {   # opens\n  # inside\n      b = 1          # aligned\n      long_key = 22  # aligned\n   # last inside\n}\n/* block\n   comment */\nc = 1 /* inline */ # end\n';
    expect(format(text)).toBe(
      '# head\n\na = {   # opens\n    # inside\n    b = 1            # aligned\n    long_key = 22    # aligned\n    # last inside\n}\n/* block\n   comment */\nc = 1 /* inline */ # end\n',
    );
  });

  it('keeps one blank line of a run, none after an opener or before a closer, no trailing spaces, LF line ends', () => {
    expect(format('\n\na = {\n\n  b = 1   \n\n\n  c = 2\n\n}\r\n\r\nd = """\n keep  \n"""\n\n')).toBe(
      'a = {\n    b = 1\n\n    c = 2\n}\n\nd = """\n keep  \n"""\n',
    );
  });

  it('keeps sections, [[tables]] and the entries under them at the margin', () => {
    expect(format('[server]\n  host: "h"\n   [[items]]\n name = a\n')).toBe('[server]\nhost: "h"\n[[items]]\nname = a\n');
  });

  it('refuses a file with syntax errors, with the located errors, and changes nothing', () => {
    const r = formatTsk('a = {\n  b = "open\n', 'x.tsk');
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.diagnostics.map((d) => `${d.location?.line}:${d.location?.column} ${d.code}`)).toContain('2:7 TSK_SYNTAX');
  });
});
