/** Inline projections folded into the append statement, on PostgreSQL (see foldedInline.ts). */
import { inject } from 'vitest';
import { createPgClient } from '../../src/store/pgClient.js';
import { createTestDatabase } from '../support/postgres.js';
import { foldedInlineSuite } from './foldedInline.js';

foldedInlineSuite(async () => createPgClient({ connectionString: await createTestDatabase(inject('pgUrl')), poolSize: 8 }));
