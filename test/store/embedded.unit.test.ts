/** The store contract on the embedded backend (PGlite in memory; in process, no server). */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { appSchema } from '../../src/config/schema/index.js';
import { openEventStore } from '../../src/store/index.js';
import { eventStoreContract, newEvent } from './contract.js';

const config = (dataDir: string) => appSchema.parse({ event_store: { type: 'embedded', data_dir: dataDir } }).event_store;

eventStoreContract('embedded (PGlite)', (options) => openEventStore(config('memory://'), options));

describe('embedded store on disk', () => {
  it('keeps events across a reopen, and refuses a data dir another live process holds', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tusk-embedded-'));
    try {
      const store = await openEventStore(config(dir));
      await store.append({ streamType: 'a', streamId: '1', expectedVersion: 'no_stream', events: [newEvent('A')] });
      await store.close();
      const again = await openEventStore(config(dir));
      expect(await again.streamVersion('a', '1')).toBe(1);
      await again.close();
      // a live process (our parent) holds the directory: opening it must fail clearly
      writeFileSync(join(dir, 'tusk-es.pid'), String(process.ppid));
      await expect(openEventStore(config(dir))).rejects.toMatchObject({ code: 'STORE_UNAVAILABLE', message: expect.stringContaining(`in use by process ${process.ppid}`) });
      // a dead holder is a stale lock: taken over
      writeFileSync(join(dir, 'tusk-es.pid'), '999999');
      const third = await openEventStore(config(dir));
      expect(await third.streamVersion('a', '1')).toBe(1);
      await third.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
