/**
 * `tusk-es forget <file.tsk> <subject>`: what `DELETE /subjects/{id}` does, from the command
 * line: destroy the subject's key, drop its streams' snapshots, scrub the personal columns of
 * the read models, append $SubjectForgotten. Prints the outcome as JSON. Exit 0 done, 1 error,
 * 3 the subject is unknown (no personal data of it was ever stored).
 */
import { pino } from 'pino';
import { isTuskError } from '../errors.js';
import { buildUpcaster } from '../migrations/buildUpcaster.js';
import { forgetSubject } from '../personalData/forgetSubject.js';
import { openProjectionSystem } from '../projections/openProjectionSystem.js';
import { Runtime } from '../runtime/Runtime.js';
import { openEventStore } from '../store/index.js';
import { redact } from '../tsk/redact.js';
import { loadOperatorApp } from './loadOperatorApp.js';

/** Runs `forget` and resolves to the exit code. */
export async function forgetCommand(file: string, subject: string, tenant?: string): Promise<number> {
  const app = await loadOperatorApp('forget', file, tenant);
  if (app === undefined) return 1;
  const { model, secrets } = app;
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
