/**
 * `tusk-es archive <file.tsk>`: does what the `serve` job does, once, to the end: moves every
 * stream the app's archive rules select to the archive, with progress on stderr (a bar on a
 * terminal, a line per second otherwise). Safe to stop at any point and run again: each batch is
 * moved whole or not at all. Exit 0 done, 1 error (config, store).
 */
import { archiveRules } from '../archive/archiveRules.js';
import { runArchive } from '../archive/runArchive.js';
import { progressWriter } from '../projections/rebuild/progressText.js';
import type { EventStore } from '../store/EventStore.js';
import { openEventStore } from '../store/index.js';
import { redact } from '../tsk/redact.js';
import { loadOperatorApp } from './loadOperatorApp.js';

/** Runs `archive` and resolves to the exit code. */
export async function archiveCommand(file: string, tenant?: string): Promise<number> {
  const app = await loadOperatorApp('archive', file, tenant);
  if (app === undefined) return 1;
  const { model, secrets } = app;
  const rules = archiveRules(model);
  if (rules.length === 0) {
    process.stderr.write(`tusk-es archive: ${file} has no archive rule (event_store.archive or aggregates.<name>.archive)\n`);
    return 0;
  }
  let store: EventStore;
  try {
    store = await openEventStore(model.event_store);
  } catch (err) {
    process.stderr.write(
      `tusk-es archive: cannot open the event store: ${redact(err instanceof Error ? err.message : String(err), secrets)}\n`,
    );
    return 1;
  }
  try {
    const result = await runArchive(store, rules, {
      batchSize: model.event_store.archive?.batch_size ?? 1000,
      onProgress: progressWriter(),
    });
    const seconds = result.durationMs / 1000;
    process.stdout.write(
      `archived ${result.events.toLocaleString('en-US')} events of ${result.streams.toLocaleString('en-US')} streams in ${seconds.toFixed(1)}s\n`,
    );
    return 0;
  } catch (err) {
    process.stderr.write(`\ntusk-es archive: ${redact(err instanceof Error ? err.message : String(err), secrets)}\n`);
    return 1;
  } finally {
    await store.close();
  }
}
