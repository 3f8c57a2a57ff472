/**
 * `npm run build` runs this after tsc: it makes the embedded store's data directory template
 * (see dataDirTemplate.ts) unless one for the installed PGlite is already there.
 *
 * The store uses the `postgres` database only, so `template0` and `template1` are dropped:
 * 60 % of initdb's ~1,000 files, and a first start creates each file it unpacks (issue 21).
 * Nothing runs CREATE DATABASE in an embedded store.
 */
import { PGlite } from '@electric-sql/pglite';
import { hasCurrentTemplate, saveDataDirTemplate } from './dataDirTemplate.js';

if (!hasCurrentTemplate()) {
  const db = await PGlite.create('memory://');
  for (const name of ['template0', 'template1']) {
    await db.exec(`ALTER DATABASE ${name} WITH is_template false`);
    await db.exec(`DROP DATABASE ${name}`);
  }
  const dump = await db.dumpDataDir('gzip');
  await db.close();
  saveDataDirTemplate(Buffer.from(await dump.arrayBuffer()));
}
