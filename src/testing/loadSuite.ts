/**
 * A test suite is an app file's own `tests` plus those of every `*.test.tsk` beside it. Each
 * test file's `tests` are grafted into the app document, locations kept, before the one config
 * pipeline validates the whole: a bad scenario is a located diagnostic like any other.
 */
import { readdirSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { error, type Diagnostic, type SourceLocation } from '../diagnostics.js';
import { validateDocument } from '../config/loadConfig.js';
import { isPlainObject } from '../config/paths.js';
import type { AppConfig } from '../config/schema/app.js';
import type { ScenarioConfig } from '../config/schema/tests.js';
import { loadTsk } from '../tsk/load.js';
import type { PathSourceMap } from '../tsk/sourceMap.js';
import { setOwn } from '../util/setOwn.js';

/** A loaded suite: the model (absent when the files have errors), the scenarios, diagnostics. */
export interface Suite {
  file: string;
  model?: AppConfig;
  scenarios: { name: string; config: ScenarioConfig; location?: SourceLocation }[];
  diagnostics: Diagnostic[];
}

/** The `*.test.tsk` files beside `file` (an app), sorted. */
export function testFilesBeside(file: string): string[] {
  const dir = dirname(file);
  const self = basename(file);
  return readdirSync(dir)
    .filter((f) => f.endsWith('.test.tsk') && f !== self)
    .sort()
    .map((f) => join(dir, f));
}

/** Loads the app `file` with the tests beside it. */
export async function loadSuite(file: string): Promise<Suite> {
  const app = await loadTsk(file, { mode: 'check' });
  const extra: Diagnostic[] = [];
  for (const testFile of testFilesBeside(file)) {
    const doc = await loadTsk(testFile, { mode: 'check' });
    extra.push(...doc.diagnostics);
    for (const key of Object.keys(doc.value).filter((k) => k !== 'tests')) {
      extra.push(
        error(
          'CONFIG_UNKNOWN_KEY',
          `${key}: a test file holds only \`tests\``,
          doc.sourceMap.get([key])?.key ?? doc.sourceMap.locate([key]),
        ),
      );
    }
    if (!isPlainObject(doc.value.tests)) continue;
    const tests = isPlainObject(app.value.tests) ? app.value.tests : (app.value.tests = {});
    for (const [name, scenario] of Object.entries(doc.value.tests)) {
      if (Object.hasOwn(tests, name)) {
        extra.push(
          error(
            'TSK_DUPLICATE_KEY',
            `tests.${name}: a scenario of this name is already declared`,
            doc.sourceMap.get(['tests', name])?.key,
            { related: relatedAt(app.sourceMap.get(['tests', name])?.key) },
          ),
        );
        continue;
      }
      // a scenario named __proto__ stays a key, so check reports it (src/config/protoKeys.ts)
      setOwn(tests, name, scenario);
      (app.sourceMap as PathSourceMap).graft(doc.sourceMap as PathSourceMap, ['tests', name], ['tests', name]);
      const at = doc.sourceMap.get(['tests', name]);
      if (at !== undefined) app.sourceMap.set(['tests', name], at);
    }
  }
  const loaded = validateDocument(app);
  const diagnostics = [...loaded.diagnostics, ...extra];
  const model = extra.some((d) => d.severity === 'error') ? undefined : loaded.model;
  const scenarios = Object.entries(model?.tests ?? {}).map(([name, config]) => {
    const location = app.sourceMap.get(['tests', name])?.key;
    return { name, config, ...(location !== undefined ? { location } : {}) };
  });
  return { file, ...(model !== undefined ? { model } : {}), scenarios, diagnostics };
}

function relatedAt(location: SourceLocation | undefined): { message: string; location: SourceLocation }[] {
  return location === undefined ? [] : [{ message: 'first declared here', location }];
}
