/** In-database replay on the embedded store (see replayInDatabase.ts). */
import { describe } from 'vitest';
import { openEventStore } from '../../src/store/index.js';
import { modelOf } from './helpers.js';
import { replayApp, replayInDatabaseTests } from './replayInDatabase.js';

describe('rebuild: batches written by the embedded database itself', () => {
  replayInDatabaseTests(async () => {
    const model = await modelOf(replayApp('event_store = { data_dir = "memory://" }'));
    return { store: await openEventStore(model.event_store), model };
  });
});
