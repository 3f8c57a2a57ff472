/**
 * `tusk-es rebuild <file.tsk> [projection…]`: load the app as `serve` does, open its store and
 * rebuild the named projections (default: all) one after the other, with progress on stderr —
 * a bar with events/s and ETA on a terminal, plain lines otherwise. Exit 0 done, 1 error
 * (config, store, an event that cannot be applied), 2 usage (an unknown projection).
 */
import { buildUpcaster } from '../migrations/buildUpcaster.js';
import { compileProjections, type CompiledProjection } from '../projections/compile/compileProjection.js';
import { rebuildProjection } from '../projections/rebuild/rebuildProjection.js';
import { progressWriter, resultLine } from '../projections/rebuild/progressText.js';
import { openEventStore } from '../store/index.js';
import { withPersonalData } from '../personalData/withPersonalData.js';
import type { EventStore } from '../store/EventStore.js';
import { redact } from '../tsk/redact.js';
import { loadOperatorApp } from './loadOperatorApp.js';

/** Runs `rebuild` and resolves to the exit code. */
export async function rebuildCommand(file: string, names: string[], tenant?: string): Promise<number> {
  const app = await loadOperatorApp('rebuild', file, tenant);
  if (app === undefined) return 1;
  const { model, secrets } = app;

  let projections: CompiledProjection[];
  try {
    projections = compileProjections(model);
  } catch (err) {
    process.stderr.write(`tusk-es rebuild: ${err instanceof Error ? err.message : String(err)}\n`);
    return 1;
  }
  const unknown = names.filter((n) => !projections.some((p) => p.name === n));
  if (unknown.length > 0) {
    process.stderr.write(
      `tusk-es rebuild: unknown projection ${unknown.map((n) => JSON.stringify(n)).join(', ')} (declared: ${projections.map((p) => p.name).join(', ') || 'none'})\n`,
    );
    return 2;
  }
  const selected = names.length === 0 ? projections : names.map((n) => projections.find((p) => p.name === n)!);
  if (selected.length === 0) {
    process.stderr.write(`tusk-es rebuild: ${file} declares no projections\n`);
    return 0;
  }

  let store: EventStore;
  try {
    store = withPersonalData(await openEventStore(model.event_store), model);
  } catch (err) {
    process.stderr.write(
      `tusk-es rebuild: cannot open the event store: ${redact(err instanceof Error ? err.message : String(err), secrets)}\n`,
    );
    return 1;
  }
  const upcaster = buildUpcaster(model);
  try {
    for (const projection of selected) {
      const show = progressWriter();
      const result = await rebuildProjection(store, projection, { upcaster, onProgress: show });
      process.stdout.write(`${resultLine(result)}\n`);
    }
    return 0;
  } catch (err) {
    process.stderr.write(`\ntusk-es rebuild: ${redact(err instanceof Error ? err.message : String(err), secrets)}\n`);
    return 1;
  } finally {
    await store.close();
  }
}
