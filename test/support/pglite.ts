/**
 * A fresh in-memory PGlite for tests that use PGlite directly: started from the build's data
 * dir template (src/store/dataDirTemplate.ts) like every embedded store, so no initdb runs (it
 * takes 10-16 s on two busy cores, which made unit hooks time out under load).
 */
import { PGlite } from '@electric-sql/pglite';
import { dataDirTemplate } from '../../src/store/dataDirTemplate.js';

/** A fresh in-memory PGlite. */
export function newPglite(): Promise<PGlite> {
  const template = dataDirTemplate();
  return template === undefined ? PGlite.create('memory://') : PGlite.create({ loadDataDir: new Blob([template.tarball]) });
}
