/**
 * A store whose migrations are all recorded opens without the migration transaction: no
 * advisory lock, no CREATE … IF NOT EXISTS (issue 21, warm_start: on the embedded store each
 * was a first plan in WebAssembly at every start). A store that lacks one still migrates.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runMigrations } from '../../src/store/migrations/runMigrations.js';
import { SCHEMA_MIGRATIONS } from '../../src/store/migrations/schemaMigrations.js';
import { createPgliteClient, type EmbeddedClient } from '../../src/store/pgliteClient.js';
import type { SqlClient } from '../../src/store/SqlClient.js';
import { storeTables } from '../../src/store/tables.js';

let client: EmbeddedClient;
beforeAll(async () => {
  client = await createPgliteClient('memory://');
});
afterAll(async () => {
  await client?.close();
});

/** `client` with every statement it is sent (in a transaction or not) recorded in `sent`. */
function recording(sent: string[]): SqlClient {
  const record = <T>(sql: string, run: () => T): T => (sent.push(sql), run());
  return {
    ...client,
    query: (sql, params) => record(sql, () => client.query(sql, params)),
    queryArrays: (sql, params) => record(sql, () => client.queryArrays(sql, params)),
    transaction: (fn, options) =>
      client.transaction((tx) => fn({ query: (sql, params) => record(sql, () => tx.query(sql, params)) }), options),
  };
}

describe('runMigrations on a store that has them all', () => {
  const tables = storeTables('upToDate', '');

  it('migrates a new store, then finds it current with reads only', async () => {
    const first: string[] = [];
    expect(await runMigrations(recording(first), tables, SCHEMA_MIGRATIONS, { by: 'none' })).toEqual(
      SCHEMA_MIGRATIONS.map((m) => m.version).sort((a, b) => a - b),
    );
    expect(first.some((s) => s.startsWith('CREATE TABLE IF NOT EXISTS'))).toBe(true);

    const again: string[] = [];
    expect(await runMigrations(recording(again), tables, SCHEMA_MIGRATIONS, { by: 'none' })).toEqual([]);
    expect(again.every((s) => s.startsWith('SELECT'))).toBe(true);
    expect(again.join('\n')).not.toMatch(/pg_advisory_xact_lock|CREATE /);
  });

  it('still runs a migration that is not recorded, in the locked transaction', async () => {
    const extra = { version: 10_000, name: 'extra', statements: () => [`CREATE TABLE "upToDate"."extra" (id int)`] };
    const sent: string[] = [];
    expect(await runMigrations(recording(sent), tables, [...SCHEMA_MIGRATIONS, extra], { by: 'none' })).toEqual([10_000]);
    expect(sent.join('\n')).toMatch(/pg_advisory_xact_lock[\s\S]*CREATE TABLE "upToDate"."extra"/);
  });
});
