/** Inline projections folded into the append statement, on the embedded store (see foldedInline.ts). */
import { createPgliteClient } from '../../src/store/pgliteClient.js';
import { foldedInlineSuite } from './foldedInline.js';

foldedInlineSuite(() => createPgliteClient('memory://'));
