/**
 * `npm run build` runs this after tsc: it makes the embedded store's data directory template
 * (see dataDirTemplate.ts) unless one for the installed PGlite is already there.
 */
import { PGlite } from '@electric-sql/pglite';
import { hasCurrentTemplate, saveDataDirTemplate } from './dataDirTemplate.js';

if (!hasCurrentTemplate()) {
  const db = await PGlite.create('memory://');
  const dump = await db.dumpDataDir('gzip');
  await db.close();
  saveDataDirTemplate(Buffer.from(await dump.arrayBuffer()));
}
