/** The app an operator command (`rebuild`, `archive`, `forget`, `hard-delete`, `truncate`, `retention`) works on. */
import { existsSync } from 'node:fs';
import type { AppConfig } from '../config/index.js';
import { formatText, hasFailures } from '../diagnostics.js';
import { loadApp } from '../runtime/loadApp.js';
import { sharded } from '../tenancy/shards/shardPlan.js';
import { redact } from '../tsk/redact.js';
import { stderrColor } from './print.js';

/**
 * Loads `file` as `serve` would, printing its diagnostics (secrets redacted) to stderr;
 * undefined (exit 1) when the file is missing or has errors, or when it is a sharded app (tenancy
 * "schema" / "database") and the command works on one store.
 */
export async function loadOperatorApp(
  command: string,
  file: string,
): Promise<{ model: AppConfig; secrets: ReadonlySet<string> } | undefined> {
  if (!existsSync(file)) {
    process.stderr.write(`tusk-es ${command}: ${file}: no such file\n`);
    return undefined;
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
  if (model === undefined || hasFailures(diagnostics)) return undefined;
  // Each tenant of a sharded app has a store of its own: acting on event_store's would touch none of them.
  if (command !== 'tenant' && sharded(model)) {
    process.stderr.write(
      `tusk-es ${command}: tenancy mode "${model.event_store.tenancy?.mode}" keeps each tenant in its own store; use the HTTP routes as the tenant (a --tenant option is not built yet)\n`,
    );
    return undefined;
  }
  return { model, secrets };
}
