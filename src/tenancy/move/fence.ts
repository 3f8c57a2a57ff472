/**
 * The fence of a tenant's old place at a move's switch: a statement trigger on the log and on
 * every table the move copies refuses every write there with SQLSTATE 57P03 ("cannot connect
 * now"; the store answers 503 STORE_UNAVAILABLE and its consumers back off as from a database
 * that is down). Creating the triggers waits for the transactions writing those tables to
 * commit, so once the fence stands everything written to the old place is there to copy, and
 * no process of the fleet (a front that has not yet read the map, a CLI) can write there again.
 * A failed move takes it down; a successful one leaves the old copy fenced, read-only.
 */
import type { EventStore } from '../../store/EventStore.js';
import { quoteIdent } from '../../store/quoteIdent.js';
import { sqlState } from '../../store/SqlClient.js';
import { TuskError } from '../../errors.js';

const NAME = 'tusk_tenant_moved';
/** How long the fence waits for the writes in flight (a lock wait). */
const LOCK_TIMEOUT = '30s';

const fn = (store: EventStore) => `${quoteIdent(store.tables.schema)}.${quoteIdent(NAME)}`;

/** Fences `tables` (qualified, quoted) of `store`; TENANT_BUSY when writes in flight hold them past LOCK_TIMEOUT. */
export async function fence(store: EventStore, tables: readonly string[]): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await store.transaction(async (tx) => {
        await tx.query(`SELECT set_config('lock_timeout', $1, true)`, [LOCK_TIMEOUT]);
        await tx.query(
          `CREATE OR REPLACE FUNCTION ${fn(store)}() RETURNS trigger LANGUAGE plpgsql AS $$
           BEGIN RAISE EXCEPTION 'this tenant store was moved to another shard (or is being moved)' USING ERRCODE = '57P03'; END $$`,
        );
        for (const table of tables) {
          await tx.query(`DROP TRIGGER IF EXISTS ${quoteIdent(NAME)} ON ${table}`);
          await tx.query(
            `CREATE TRIGGER ${quoteIdent(NAME)} BEFORE INSERT OR UPDATE OR DELETE OR TRUNCATE ON ${table} FOR EACH STATEMENT EXECUTE FUNCTION ${fn(store)}()`,
          );
        }
      });
    } catch (err) {
      // 40P01: a writer locked the tables in another order (deadlock); it failed or we did: again
      if (sqlState(err) === '40P01' && attempt < 5) continue;
      if (sqlState(err) === '55P03')
        throw new TuskError('TENANT_BUSY', `writes of the tenant held its tables for more than ${LOCK_TIMEOUT}: the move did not switch`);
      throw err;
    }
  }
}

/** Takes the fence of `tables` of `store` down (a failed move; a place the tenant moves back to). */
export async function unfence(store: EventStore, tables: readonly string[]): Promise<void> {
  await store.transaction(async (tx) => {
    for (const table of tables) await tx.query(`DROP TRIGGER IF EXISTS ${quoteIdent(NAME)} ON ${table}`);
  });
}

/** The tables (qualified, quoted) of `store`'s schema that a fence stands on now (an abort takes down whatever a dead move left). */
export async function fencedTables(store: EventStore): Promise<string[]> {
  const { rows } = await store.query<{ name: string }>(
    `SELECT DISTINCT c.relname AS name FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE t.tgname = $1 AND n.nspname = $2 ORDER BY 1`,
    [NAME, store.tables.schema],
  );
  return rows.map((r) => `${quoteIdent(store.tables.schema)}.${quoteIdent(r.name)}`);
}
