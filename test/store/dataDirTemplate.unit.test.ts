/**
 * The embedded store's data dir template (issue 21, cold start): a new cluster, on disk or in
 * memory, is the build's template unpacked, not a fresh initdb. initdb gives every cluster a
 * new random system identifier; clusters made from one template share the template's.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { appSchema } from '../../src/config/schema/index.js';
import { dataDirTemplate } from '../../src/store/dataDirTemplate.js';
import { openEventStore } from '../../src/store/index.js';
import { SCHEMA_MIGRATIONS } from '../../src/store/migrations/schemaMigrations.js';
import { createPgliteClient } from '../../src/store/pgliteClient.js';

const systemId = async (dataDir: string): Promise<string> => {
  const client = await createPgliteClient(dataDir);
  try {
    const { rows } = await client.query<{ id: string }>('SELECT system_identifier::text AS id FROM pg_control_system()');
    return rows[0]!.id;
  } finally {
    await client.close();
  }
};

describe('embedded data dir template', () => {
  it('is built by npm run build for the installed PGlite', () => {
    expect(dataDirTemplate()).toBeDefined();
  });

  it('holds the postgres database only: no template databases for a first start to unpack', async () => {
    const client = await createPgliteClient('memory://');
    try {
      const { rows } = await client.query<{ datname: string }>('SELECT datname FROM pg_database ORDER BY datname');
      expect(rows.map((r) => r.datname)).toEqual(['postgres']);
    } finally {
      await client.close();
    }
  }, 60_000);

  it('makes every new cluster (on disk and in memory) from the template, not by initdb; an existing one is opened as it is', async () => {
    const dirs = [mkdtempSync(join(tmpdir(), 'tusk-template-')), mkdtempSync(join(tmpdir(), 'tusk-template-'))];
    try {
      const a = await systemId(dirs[0]!);
      expect(existsSync(join(dirs[0]!, 'PG_VERSION'))).toBe(true);
      expect(await systemId(dirs[1]!)).toBe(a);
      expect(await systemId('memory://')).toBe(a);
      // reopened: the same cluster (not unpacked over)
      const client = await createPgliteClient(dirs[0]!);
      await client.query('CREATE TABLE kept (x int)');
      await client.close();
      const again = await createPgliteClient(dirs[0]!);
      expect((await again.query<{ n: number }>('SELECT count(*)::int AS n FROM kept')).rows[0]!.n).toBe(0);
      await again.close();
    } finally {
      for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
    }
  }, 120_000); // five cluster opens, seconds each on a busy 2-core machine
});

describe('embedded store template with the store schema', () => {
  const storeConfig = (dataDir: string, prefix = '') =>
    appSchema.parse({ event_store: { type: 'embedded', data_dir: dataDir, table_prefix: prefix } }).event_store;
  const migrations = async (dataDir: string, table: string) => {
    const client = await createPgliteClient(dataDir);
    try {
      return (await client.query<{ version: number; applied_at: Date }>(`SELECT version, applied_at FROM ${table} ORDER BY version`)).rows;
    } finally {
      await client.close();
    }
  };

  it('starts a new store with the default tables with its migrations already done (made at build time, not at its first start)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tusk-template-'));
    try {
      const opened = new Date();
      await (await openEventStore(storeConfig(dir))).close();
      const rows = await migrations(dir, 'public.schema_migrations');
      expect(rows.map((r) => r.version)).toEqual(SCHEMA_MIGRATIONS.map((m) => m.version).sort((a, b) => a - b));
      expect(rows.filter((r) => r.applied_at.getTime() >= opened.getTime())).toEqual([]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 120_000);

  it('starts a store with other table names from the bare cluster, and migrates it at its first start', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tusk-template-'));
    try {
      const opened = new Date(Date.now() - 1000); // PGlite's clock and ours are the same; a second of slack
      await (await openEventStore(storeConfig(dir, 'app_'))).close();
      const rows = await migrations(dir, 'public.app_schema_migrations');
      expect(rows.map((r) => r.version)).toEqual(SCHEMA_MIGRATIONS.map((m) => m.version).sort((a, b) => a - b));
      expect(rows.filter((r) => r.applied_at.getTime() < opened.getTime())).toEqual([]);
      const client = await createPgliteClient(dir);
      try {
        expect((await client.query<{ t: string | null }>(`SELECT to_regclass('public.events')::text AS t`)).rows[0]!.t).toBeNull();
      } finally {
        await client.close();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 120_000);
});
