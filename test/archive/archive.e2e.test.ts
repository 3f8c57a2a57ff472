/**
 * Issue 16 acceptance 4: `tusk-es archive` moves 100,000 events to the archive partition; it is
 * SIGKILLed mid-way and run again, and afterwards every event is there exactly once, with its
 * id, stream, version and position, and archived; a temporal read of an archived stream still
 * answers (and says it came from the archive).
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, inject, it } from 'vitest';
import { appSchema } from '../../src/config/schema/index.js';
import type { EventStore } from '../../src/store/EventStore.js';
import { openEventStore } from '../../src/store/index.js';
import { runCli } from '../support/cli.js';
import { createTestDatabase } from '../support/postgres.js';
import { archiveKilledMidway, archiveScratch, seedAccounts } from './helpers.js';

const OLD_STREAMS = 1000;
const PER_STREAM = 100;
const DAY = 86_400_000;
const T0 = Date.now() - 200 * DAY;

const scratch = archiveScratch('tusk-archive-');
const { dir } = scratch;

const app = (url: string) => `
event_store {
    type = "postgresql"
    connection = "${url}"
    partitioning = { by = "archived" }
    archive = { after = "90 days", batch_size = 200, interval = "1 hour" }
}
aggregates {
    account = {
        state = { n = 0 }
        commands = { Open = { creates = true, emits = "Deposited" } }
        apply = { Deposited = { n = "n + 1" } }
    }
}
`;

type Row = { id: string; position: string; stream_id: string; version: number };
const everyEvent = async (store: EventStore) =>
  (await store.query<Row>(`SELECT id, position::text AS position, stream_id, version FROM ${store.tables.events} ORDER BY position`)).rows;
const archivedCount = async (store: EventStore) =>
  (await store.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${store.tables.events} WHERE archived`)).rows[0]!.n;

describe('tusk-es archive', () => {
  it(
    'archives 100,000 events across a SIGKILL without losing or duplicating one; temporal reads still answer',
    { timeout: 600_000 },
    async () => {
      const url = await createTestDatabase(inject('pgUrl'));
      writeFileSync(join(dir, 'app.tsk'), app(url));
      const store = await openEventStore(
        appSchema.parse({ event_store: { type: 'postgresql', connection: url, partitioning: { by: 'archived' } } }).event_store,
      );
      try {
        // 1,000 old streams (200 days, one second between events), and 5 recent streams
        await seedAccounts(store, OLD_STREAMS, PER_STREAM, T0);
        const before = await everyEvent(store);
        expect(before).toHaveLength(OLD_STREAMS * PER_STREAM + 5);

        // first run: killed once some batches are in, well before the end
        await archiveKilledMidway(scratch, async () => (await archivedCount(store)) > 0);
        const midway = await archivedCount(store);
        expect(midway).toBeGreaterThan(0);
        expect(midway).toBeLessThan(OLD_STREAMS * PER_STREAM);

        // resumed: runs to the end
        const resumed = await runCli(['archive', 'app.tsk'], {}, dir);
        expect(resumed.code, resumed.stderr).toBe(0);
        expect(resumed.stdout).toContain(`archived ${(OLD_STREAMS * PER_STREAM - midway).toLocaleString('en-US')} events`);
        expect(resumed.stderr).toMatch(/archive: \d+\/\d+ events \(100%\)/);

        // nothing lost, nothing duplicated, nothing moved in the log; only the old streams archived
        expect(await everyEvent(store)).toEqual(before);
        expect(await archivedCount(store)).toBe(OLD_STREAMS * PER_STREAM);
        const where = await store.query<{ p: string; n: number }>(
          `SELECT tableoid::regclass::text AS p, count(*)::int AS n FROM ${store.tables.events} GROUP BY 1 ORDER BY 1`,
        );
        expect(where.rows).toEqual([
          { p: expect.stringMatching(/events_archived$/), n: OLD_STREAMS * PER_STREAM },
          { p: expect.stringMatching(/events_hot$/), n: 5 },
        ]);
        // a second run has nothing left to do
        expect((await runCli(['archive', 'app.tsk'], {}, dir)).stdout).toContain('archived 0 events');
      } finally {
        await store.close();
      }

      // reads go through the archive: a temporal read, a full read, and the header that says so
      const server = await scratch.serve('app.tsk', { cwd: dir });
      const asOf = new Date(T0 + 49_500).toISOString();
      const temporal = await fetch(`${server.url}/aggregates/account/old-7?as_of=${encodeURIComponent(asOf)}`);
      expect(temporal.status).toBe(200);
      expect(temporal.headers.get('tusk-archived')).toBe('true');
      expect(await temporal.json()).toMatchObject({ version: 50, state: { n: 50 } });
      const full = await fetch(`${server.url}/aggregates/account/old-999`);
      expect(await full.json()).toMatchObject({ version: PER_STREAM, state: { n: PER_STREAM } });
      const recent = await fetch(`${server.url}/aggregates/account/new-0`);
      expect(recent.headers.get('tusk-archived')).toBe('false');
      expect(await recent.json()).toMatchObject({ version: 1, state: { n: 1 } });
    },
  );
});
