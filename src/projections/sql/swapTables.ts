/**
 * The swap at the end of a rebuild: in the caller's transaction, each live table is dropped and
 * its fresh twin renamed into place with its constraints and indexes. Readers wait for the
 * commit (ACCESS EXCLUSIVE) and then see the new table; until then they read the old one.
 */
import type { SqlExecutor } from '../../store/EventStore.js';
import { qualify, quoteIdent } from '../../store/quoteIdent.js';
import { derivedName } from '../tables/identifiers.js';
import { namedObjects } from '../tables/tableDdl.js';
import type { TableSpec } from '../tables/TableSpec.js';

/** The name of the table a rebuild of `table` fills (`check` reserves names containing `__tusk_`). */
export function freshName(table: string): string {
  return derivedName(table, '__tusk_rebuild');
}

/** Replaces the live tables of `specs` by their fresh twins (in `tx`). */
export async function swapTables(tx: SqlExecutor, schema: string, specs: readonly TableSpec[]): Promise<void> {
  for (const spec of specs) {
    const fresh = freshName(spec.name);
    await tx.query(`DROP TABLE IF EXISTS ${qualify(schema, spec.name)}`);
    await tx.query(`ALTER TABLE ${qualify(schema, fresh)} RENAME TO ${quoteIdent(spec.name)}`);
    const from = namedObjects(spec, fresh);
    const to = namedObjects(spec, spec.name);
    for (const [i, object] of from.entries()) {
      const target = quoteIdent(to[i]!.name);
      if (object.kind === 'constraint')
        await tx.query(`ALTER TABLE ${qualify(schema, spec.name)} RENAME CONSTRAINT ${quoteIdent(object.name)} TO ${target}`);
      else await tx.query(`ALTER INDEX ${qualify(schema, object.name)} RENAME TO ${target}`);
    }
  }
}

/** Drops the fresh tables of `specs` (before a rebuild, and after one that failed). */
export async function dropFreshTables(db: SqlExecutor, schema: string, specs: readonly TableSpec[]): Promise<void> {
  for (const spec of specs) await db.query(`DROP TABLE IF EXISTS ${qualify(schema, freshName(spec.name))}`);
}
