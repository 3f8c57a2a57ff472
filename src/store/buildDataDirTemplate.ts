/**
 * `npm run build` runs this after tsc: it makes the embedded store's data directory templates
 * (see dataDirTemplate.ts) unless current ones for the installed PGlite are already there.
 *
 * The store uses the `postgres` database only, so `template0` and `template1` are dropped:
 * 60 % of initdb's ~1,000 files, and a first start creates each file it unpacks (issue 21).
 * Nothing runs CREATE DATABASE in an embedded store. The store template is the same cluster
 * after the store's migrations for the default table names.
 */
import { hasCurrentTemplate, saveDataDirTemplates } from './dataDirTemplate.js';
import { runMigrations } from './migrations/runMigrations.js';
import { SCHEMA_MIGRATIONS } from './migrations/schemaMigrations.js';
import { createPgliteClient } from './pgliteClient.js';
import { defaultStoreTables } from './tables.js';

if (!hasCurrentTemplate()) {
  // no current template: this one is made by initdb
  const client = await createPgliteClient('memory://');
  for (const name of ['template0', 'template1']) {
    await client.query(`ALTER DATABASE ${name} WITH is_template false`);
    await client.query(`DROP DATABASE ${name}`);
  }
  const cluster = await client.dumpImage('gzip');
  await runMigrations(client, defaultStoreTables(), SCHEMA_MIGRATIONS, { by: 'none' });
  const store = await client.dumpImage('gzip');
  await client.close();
  saveDataDirTemplates({ cluster: Buffer.from(await cluster.arrayBuffer()), store: Buffer.from(await store.arrayBuffer()) });
}
