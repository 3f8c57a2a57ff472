/**
 * Issue 13 fault 8: the default app and every example keep their embedded store in a directory
 * of their own. None may sit inside another's (PGlite owns its whole data dir: the examples'
 * `./.tusk-data/bank` used to live inside the default app's `./.tusk-data`).
 */
import { readdirSync } from 'node:fs';
import { join, relative, resolve, isAbsolute } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config/index.js';

const ROOT = join(import.meta.dirname, '..');
const APPS = ['config/app.tsk', ...readdirSync(join(ROOT, 'examples')).map((name) => `examples/${name}/app.tsk`)];

/** True when `inner` is `outer` or inside it. */
function within(inner: string, outer: string): boolean {
  const rel = relative(outer, inner);
  return rel === '' || (!rel.startsWith('..') && !isAbsolute(rel));
}

describe('default data dirs', () => {
  it('the check itself sees nesting', () => {
    expect(within(resolve('.tusk-data/bank'), resolve('.tusk-data'))).toBe(true);
    expect(within(resolve('.tusk-data-bank'), resolve('.tusk-data'))).toBe(false);
  });

  it("no app keeps its data inside another app's data dir (as run from the repo root, README-style)", async () => {
    const dirs = await Promise.all(
      APPS.map(async (app) => {
        const loaded = await loadConfig(join(ROOT, app), { mode: 'check', env: {} });
        const store = loaded.model!.event_store;
        expect(store.type, app).toBe('embedded');
        return { app, dir: resolve(ROOT, store.data_dir) };
      }),
    );
    expect(dirs.length).toBeGreaterThanOrEqual(3);
    for (const a of dirs) {
      for (const b of dirs) {
        if (a !== b) expect(within(a.dir, b.dir), `${a.app} (${a.dir}) is inside ${b.app} (${b.dir})`).toBe(false);
      }
    }
  });
});
