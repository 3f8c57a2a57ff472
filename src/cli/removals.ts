/**
 * The operator's removals from the CLI, carried out at once in this process (the API queues
 * them for the background job instead): `tusk-es hard-delete <file> <type> <id>`,
 * `tusk-es truncate <file> <type> <id> --before <V>` and `tusk-es retention <file>` (one full
 * retention sweep). Each prints what it removed as JSON lines on stdout, progress on stderr.
 * Exit 0 done, 1 error (config, store, a stream that does not exist). On the embedded store,
 * run them while `serve` is stopped (one process owns the data directory).
 */
import { pino } from 'pino';
import type { AppConfig } from '../config/schema/index.js';
import { buildUpcaster } from '../migrations/buildUpcaster.js';
import { removalJson } from '../retention/removalRoutes.js';
import { StreamRemover } from '../retention/StreamRemover.js';
import { Runtime } from '../runtime/Runtime.js';
import { openEventStore } from '../store/index.js';
import { redact } from '../tsk/redact.js';
import { loadOperatorApp } from './loadOperatorApp.js';

/** What one removal command does with the app's remover; resolves to the exit code. */
type RemovalAction = (remover: StreamRemover, model: AppConfig, out: (line: unknown) => void) => Promise<void>;

/** Loads the app, opens its store and runs `action`; errors are reported on stderr (exit 1). */
async function withRemover(command: string, file: string, tenant: string | undefined, action: RemovalAction): Promise<number> {
  const loaded = await loadOperatorApp(command, file, tenant);
  if (loaded === undefined) return 1;
  const { model, secrets } = loaded;
  let runtime: Runtime | undefined;
  try {
    const store = await openEventStore(model.event_store);
    runtime = new Runtime({ model, store, logger: pino({ level: 'silent' }), upcaster: buildUpcaster(model) });
    await action(new StreamRemover(runtime.engine, model), model, (line) => process.stdout.write(`${JSON.stringify(line)}\n`));
    return 0;
  } catch (err) {
    process.stderr.write(`tusk-es ${command}: ${redact(err instanceof Error ? err.message : String(err), secrets)}\n`);
    return 1;
  } finally {
    await runtime?.close();
  }
}

/** `tusk-es hard-delete`: every event of the stream and its read-model rows. */
export function hardDeleteCommand(file: string, type: string, id: string, tenant?: string): Promise<number> {
  return withRemover('hard-delete', file, tenant, async (remover, _model, out) => out(removalJson(await remover.hardDelete(type, id))));
}

/** `tusk-es truncate`: the events below `before`, leaving a closing snapshot. */
export function truncateCommand(file: string, type: string, id: string, before: number, tenant?: string): Promise<number> {
  return withRemover('truncate', file, tenant, async (remover, _model, out) => {
    const removal = await remover.truncate(type, id, before);
    out(removal === undefined ? { aggregate_type: type, aggregate_id: id, status: 'done', events_removed: 0 } : removalJson(removal));
  });
}

/** `tusk-es retention`: one sweep of every aggregate with `retention`, until no stream is past its limits. */
export function retentionCommand(file: string, tenant?: string): Promise<number> {
  return withRemover('retention', file, tenant, async (remover, model, out) => {
    for (const [type, aggregate] of Object.entries(model.aggregates)) {
      if (aggregate.retention === undefined) continue;
      const streams = await remover.sweep(type, aggregate.retention, Date.now(), (n) =>
        process.stderr.write(`retention ${type}: ${n} streams truncated\n`),
      );
      out({ aggregate_type: type, streams_truncated: streams });
    }
  });
}
