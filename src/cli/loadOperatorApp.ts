/** The app an operator command (`rebuild`, `archive`, `forget`, `hard-delete`, `truncate`, `retention`) works on. */
import { existsSync } from 'node:fs';
import type { AppConfig } from '../config/index.js';
import { formatText, hasFailures } from '../diagnostics.js';
import { loadApp } from '../runtime/loadApp.js';
import { openEventStore } from '../store/index.js';
import { ShardMap } from '../tenancy/shards/shardMap.js';
import { controlStoreConfig, shardPlan, sharded, tenantModel } from '../tenancy/shards/shardPlan.js';
import { redact } from '../tsk/redact.js';
import { stderrColor } from './print.js';

/**
 * Loads `file` as `serve` would, printing its diagnostics (secrets redacted) to stderr;
 * undefined (exit 1) when the file is missing or has errors. In a sharded app (tenancy "schema" /
 * "database") each tenant has a store of its own, so the command needs `tenant` and works on that
 * tenant's store: the model returned is the tenant's single-store app at its place in the map.
 */
export async function loadOperatorApp(
  command: string,
  file: string,
  tenant?: string,
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
  if (command === 'tenant') return { model, secrets };
  if (!sharded(model)) {
    if (tenant === undefined) return { model, secrets };
    process.stderr.write(
      `tusk-es ${command}: --tenant names a tenant of tenancy mode "schema" or "database" (its own store); this app's store is not sharded\n`,
    );
    return undefined;
  }
  // Each tenant of a sharded app has a store of its own: acting on event_store's would touch none of them.
  if (tenant === undefined) {
    process.stderr.write(
      `tusk-es ${command}: tenancy mode "${model.event_store.tenancy?.mode}" keeps each tenant in its own store; name one with --tenant <id>\n`,
    );
    return undefined;
  }
  const place = await tenantPlace(model, tenant).catch((err: unknown) => {
    process.stderr.write(`tusk-es ${command}: ${redact(err instanceof Error ? err.message : String(err), secrets)}\n`);
    return null;
  });
  if (place === null) return undefined;
  if (place === undefined || place.state !== 'active') {
    process.stderr.write(
      place === undefined
        ? `tusk-es ${command}: tenant ${JSON.stringify(tenant)} has no place in the tenant map (create it with tusk-es tenant create)\n`
        : `tusk-es ${command}: tenant ${JSON.stringify(tenant)} is being moved (state "${place.state}"); try again once the move is done\n`,
    );
    return undefined;
  }
  return { model: tenantModel(model, shardPlan(model), place), secrets };
}

/** Where `tenant` lives, read from the control database's tenant map. */
async function tenantPlace(model: AppConfig, tenant: string) {
  const control = await openEventStore(controlStoreConfig(model));
  try {
    return await new ShardMap(control).get(tenant);
  } finally {
    await control.close();
  }
}
