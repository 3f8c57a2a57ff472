/**
 * Tenancy modes other than "single" rely on PostgreSQL (row-level security with a per-transaction
 * setting, or a schema or database per tenant), which the embedded store (one process, one
 * connection) does not run; "schema" and "database" also need somewhere to put tenants and
 * their map. Each fault is a located error.
 */
import { eventStoreSchema } from '../schema/eventStore.js';
import type { CheckContext } from './context.js';

const TENANCY = ['event_store', 'tenancy'];

/** Reports tenancy modes the store cannot run, and schema/database modes without shards or control database. */
export function checkTenancy(ctx: CheckContext): void {
  const parsed = eventStoreSchema.safeParse(ctx.tree.value.event_store ?? {});
  if (!parsed.success) return; // the schema reports it
  const store = parsed.data;
  const mode = store.tenancy?.mode ?? 'single';
  if (mode === 'single') return;
  if (store.type !== 'postgresql')
    ctx.error(
      'CONFIG_INVALID',
      mode === 'conjoined'
        ? 'tenancy mode "conjoined" needs event_store.type = "postgresql" (row-level security per tenant); the embedded store serves one tenant'
        : `tenancy mode "${mode}" needs event_store.type = "postgresql" (a ${mode} per tenant); the embedded store serves one tenant`,
      [...TENANCY, 'mode'],
    );
  // Archive files hold the events of every tenant, out of reach of row-level security.
  if (mode === 'conjoined' && store.archive?.storage === 'files')
    ctx.error('CONFIG_INVALID', 'archive storage "files" is not supported with tenancy mode "conjoined" (use the archived partition)', [
      'event_store',
      'archive',
      'storage',
    ]);
  if (mode === 'conjoined') return;
  const shards = store.tenancy?.shards;
  if (mode === 'database' && (shards === undefined || shards.length === 0))
    ctx.error(
      'CONFIG_INVALID',
      'tenancy mode "database" needs `shards = [ { name, connection } … ]`: the PostgreSQL servers the tenants\' databases go to',
      [...TENANCY, 'mode'],
    );
  if (mode === 'schema' && (shards === undefined || shards.length === 0) && store.connection === undefined)
    ctx.error('CONFIG_INVALID', 'tenancy mode "schema" needs `shards` or event_store.connection: where the tenants\' schemas go', [
      ...TENANCY,
      'mode',
    ]);
  if (store.tenancy?.control === undefined && store.connection === undefined)
    ctx.error(
      'CONFIG_INVALID',
      `tenancy mode "${mode}" needs \`control\` (or event_store.connection): the database of the tenant registry and the tenant -> shard map`,
      [...TENANCY, 'mode'],
    );
  const seen = new Set<string>();
  (shards ?? []).forEach((shard, i) => {
    if (seen.has(shard.name)) ctx.error('CONFIG_INVALID', `two shards are named "${shard.name}"`, [...TENANCY, 'shards', i, 'name']);
    seen.add(shard.name);
  });
}
