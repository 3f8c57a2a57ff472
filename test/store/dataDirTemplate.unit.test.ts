/**
 * The embedded store's data dir template (issue 21, cold start): a new cluster, on disk or in
 * memory, is the build's template unpacked, not a fresh initdb. initdb gives every cluster a
 * new random system identifier; clusters made from one template share the template's.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { dataDirTemplate } from '../../src/store/dataDirTemplate.js';
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
