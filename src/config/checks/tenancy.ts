/**
 * Conjoined tenancy relies on PostgreSQL row-level security with a per-transaction setting,
 * which the embedded store (one process, one connection) does not run: a located error.
 */
import { eventStoreSchema } from '../schema/eventStore.js';
import type { CheckContext } from './context.js';

/** Reports `tenancy = { mode = "conjoined" }` on the embedded store, or with archive files. */
export function checkTenancy(ctx: CheckContext): void {
  const parsed = eventStoreSchema.safeParse(ctx.tree.value.event_store ?? {});
  if (!parsed.success) return; // the schema reports it
  if (parsed.data.tenancy?.mode !== 'conjoined') return;
  if (parsed.data.type !== 'postgresql')
    ctx.error(
      'CONFIG_INVALID',
      'tenancy mode "conjoined" needs event_store.type = "postgresql" (row-level security per tenant); the embedded store serves one tenant',
      ['event_store', 'tenancy', 'mode'],
    );
  // Archive files hold the events of every tenant, out of reach of row-level security.
  if (parsed.data.archive?.storage === 'files')
    ctx.error('CONFIG_INVALID', 'archive storage "files" is not supported with tenancy mode "conjoined" (use the archived partition)', [
      'event_store',
      'archive',
      'storage',
    ]);
}
