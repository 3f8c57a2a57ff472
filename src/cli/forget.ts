/**
 * `tusk-es forget <file.tsk> <subject>`: what `DELETE /subjects/{id}` does, from the command
 * line: destroy the subject's key, drop its streams' snapshots, scrub the personal columns of
 * the read models, append $SubjectForgotten. Prints the outcome as JSON. Exit 0 done, 1 error,
 * 3 the subject is unknown (no personal data of it was ever stored).
 */
import { existsSync } from 'node:fs';
import { pino } from 'pino';
import { formatText, hasFailures } from '../diagnostics.js';
import { isTuskError } from '../errors.js';
import { buildUpcaster } from '../migrations/buildUpcaster.js';
import { forgetSubject } from '../personalData/forgetSubject.js';
import { openProjectionSystem } from '../projections/openProjectionSystem.js';
import { loadApp } from '../runtime/loadApp.js';
import { Runtime } from '../runtime/Runtime.js';
import { openEventStore } from '../store/index.js';
import { redact } from '../tsk/redact.js';
import { stderrColor } from './print.js';

/** Runs `forget` and resolves to the exit code. */
export async function forgetCommand(file: string, subject: string): Promise<number> {
  if (!existsSync(file)) {
    process.stderr.write(`tusk-es forget: ${file}: no such file\n`);
    return 1;
  }
  const { model, diagnostics, document } = await loadApp(file, { mode: 'serve', runQueries: true });
  const secrets = document?.secrets ?? new Set<string>();
  if (diagnostics.length > 0)
    process.stderr.write(
      `${formatText(
        diagnostics.map((d) => redact(d, secrets)),
        { color: stderrColor() },
      )}\n`,
    );
  if (model === undefined || hasFailures(diagnostics)) return 1;
  let runtime: Runtime | undefined;
  try {
    const store = await openEventStore(model.event_store);
    try {
      runtime = new Runtime({ model, store, logger: pino({ level: 'silent' }), upcaster: buildUpcaster(model), secrets });
    } catch (err) {
      await store.close();
      throw err;
    }
    await openProjectionSystem(runtime);
    const result = await forgetSubject(runtime, subject);
    process.stdout.write(`${JSON.stringify(result)}\n`);
    return 0;
  } catch (err) {
    process.stderr.write(`tusk-es forget: ${redact(err instanceof Error ? err.message : String(err), secrets)}\n`);
    return isTuskError(err) && err.code === 'SUBJECT_NOT_FOUND' ? 3 : 1;
  } finally {
    await runtime?.close();
  }
}
