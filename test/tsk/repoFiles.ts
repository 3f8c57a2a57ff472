/** The repo's .tsk files, for the tests that hold every one of them to the canonical layout. */
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';

export const ROOT = join(import.meta.dirname, '../..');
/** Fixtures broken on purpose (`fmt` refuses them; the tests of errors read them). */
export const BROKEN_ON_PURPOSE = ['test/fixtures/tsk/broken.tsk', 'test/fixtures/tsk/syntax-error.tsk'];

/** Every tracked .tsk file (relative to the repo root) that is meant to be well formed. */
export function wellFormedRepoFiles(): string[] {
  return execFileSync('git', ['ls-files', '*.tsk'], { cwd: ROOT, encoding: 'utf8' })
    .split('\n')
    .filter((f) => f !== '' && !BROKEN_ON_PURPOSE.includes(f));
}
