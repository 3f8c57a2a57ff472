/**
 * Issue 16 acceptance 4, files tier: `tusk-es archive` moves 100,000 events out of the events
 * table into gzip NDJSON files; it is SIGKILLed mid-way and run again, and afterwards the
 * manifest's files (read with `zcat`) and the table together hold every event exactly once;
 * the store reads the whole log back in order, a rebuild folds every archived event, and a
 * temporal read of an archived stream still answers (and says it came from the archive).
 */
import { execFile } from 'node:child_process';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { gunzipSync } from 'node:zlib';
import { describe, expect, inject, it } from 'vitest';
import { appSchema } from '../../src/config/schema/index.js';
import type { EventStore, StoredEvent } from '../../src/store/EventStore.js';
import { openEventStore } from '../../src/store/index.js';
import { runCli } from '../support/cli.js';
import { createTestDatabase } from '../support/postgres.js';
import { archiveKilledMidway, archiveScratch, seedAccounts } from './helpers.js';

const OLD_STREAMS = 1000;
/** The newest event of a stream stays in the table: 100 of each stream's 101 events move. */
const PER_STREAM = 101;
const MOVED = OLD_STREAMS * (PER_STREAM - 1);
const DAY = 86_400_000;
const T0 = Date.now() - 200 * DAY;

const scratch = archiveScratch('tusk-archive-files-');
const { dir } = scratch;
const archiveDir = join(dir, 'cold');

const app = (url: string) => `
event_store {
    type = "postgresql"
    connection = "${url}"
    archive = { after = "90 days", storage = "files", dir = "cold", batch_size = 200, interval = "1 hour" }
}
aggregates {
    account = {
        state = { n = 0 }
        commands = { Open = { creates = true, emits = "Deposited" } }
        apply = { Deposited = { n = "n + 1" } }
    }
}
projections {
    deposits = {
        table = "deposits"
        key = "id"
        columns = { id = "text primary key", n = "integer", v = "integer" }
        mapping = { Deposited = { action = "upsert", fields = { id = "aggregate_id", n = "COALESCE(n, 0) + 1", v = "version" } } }
        events = ["Deposited"]
    }
}
`;

type Row = { id: string; position: number; stream_id: string; version: number };
const hotEvents = async (store: EventStore) =>
  (await store.query<Row>(`SELECT id, position::int AS position, stream_id, version FROM ${store.tables.events} ORDER BY position`)).rows;
const manifest = async (store: EventStore) =>
  (await store.query<{ name: string; events: number }>(`SELECT name, events FROM ${store.tables.table('archive_files')} ORDER BY name`))
    .rows;

/** The events of archive files, read as a user would: `zcat`. */
async function zcat(files: readonly string[]): Promise<Row[]> {
  const { stdout } = await promisify(execFile)(
    'zcat',
    files.map((f) => join(archiveDir, f)),
    { maxBuffer: 256 * 1024 * 1024 },
  );
  return stdout
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => JSON.parse(l) as Row);
}

async function readWholeLog(store: EventStore): Promise<StoredEvent[]> {
  const all: StoredEvent[] = [];
  for (;;) {
    const page = await store.readAll({ after: all.at(-1)?.position ?? 0, limit: 5000 });
    if (page.length === 0) return all;
    all.push(...page);
  }
}

describe('tusk-es archive to files', () => {
  it(
    'moves 100,000 events to files across a SIGKILL without losing or duplicating one; reads, rebuilds and temporal reads go through them',
    { timeout: 900_000 },
    async () => {
      const url = await createTestDatabase(inject('pgUrl'));
      writeFileSync(join(dir, 'app.tsk'), app(url));
      const store = await openEventStore(
        appSchema.parse({ event_store: { type: 'postgresql', connection: url, archive: { storage: 'files', dir: archiveDir } } })
          .event_store,
      );
      try {
        // 1,000 old streams (200 days, one second between events), and 5 recent streams
        await seedAccounts(store, OLD_STREAMS, PER_STREAM, T0);
        const before = await hotEvents(store);
        expect(before).toHaveLength(OLD_STREAMS * PER_STREAM + 5);

        // first run: killed once some files are in the manifest, well before the end
        await archiveKilledMidway(scratch, async () => (await manifest(store)).length > 0);
        const midway = (await manifest(store)).reduce((n, f) => n + f.events, 0);
        expect(midway).toBeGreaterThan(0);
        expect(midway).toBeLessThan(MOVED);
        expect(await hotEvents(store)).toHaveLength(before.length - midway);

        // resumed: runs to the end
        const resumed = await runCli(['archive', 'app.tsk'], {}, dir);
        expect(resumed.code, resumed.stderr).toBe(0);
        expect(resumed.stdout).toContain(`archived ${(MOVED - midway).toLocaleString('en-US')} events`);
        expect(resumed.stderr).toMatch(/archive: \d+\/\d+ events \(100%\)/);

        // the table keeps each stream's newest event (and the recent streams); the files hold
        // exactly the 100,000 others, once each, with their id, stream, version and position
        const hot = await hotEvents(store);
        expect(hot).toHaveLength(OLD_STREAMS + 5);
        expect(hot.filter((r) => r.stream_id.startsWith('old-')).every((r) => r.version === PER_STREAM)).toBe(true);
        const files = await manifest(store);
        for (const f of files)
          expect(
            gunzipSync(readFileSync(join(archiveDir, f.name)))
              .toString('utf8')
              .split('\n').length - 1,
          ).toBe(f.events);
        const archived = await zcat(files.map((f) => f.name));
        expect(archived).toHaveLength(MOVED);
        expect(new Set(archived.map((r) => r.position)).size).toBe(MOVED);
        const pick = (r: Row): Row => ({ id: r.id, position: Number(r.position), stream_id: r.stream_id, version: r.version });
        expect([...archived.map(pick), ...hot].sort((a, b) => a.position - b.position)).toEqual(before);
        // every file on disk is in the manifest, but for at most the one the kill left behind
        expect(readdirSync(archiveDir).filter((f) => f.endsWith('.ndjson.gz')).length - files.length).toBeLessThanOrEqual(1);
        // a second run has nothing left to do
        expect((await runCli(['archive', 'app.tsk'], {}, dir)).stdout).toContain('archived 0 events');

        // the store reads the log back whole, in order
        const log = await readWholeLog(store);
        expect(log.map((e) => ({ id: e.id, position: e.position, stream_id: e.streamId, version: e.version }))).toEqual(before);
      } finally {
        await store.close();
      }

      // a rebuild replays the archived events in order
      const rebuilt = await runCli(['rebuild', 'app.tsk', 'deposits'], {}, dir);
      expect(rebuilt.code, rebuilt.stderr).toBe(0);
      const check = await openEventStore(appSchema.parse({ event_store: { type: 'postgresql', connection: url } }).event_store);
      try {
        const rows = (
          await check.query<{ n: number; v: number; k: number }>(
            `SELECT count(*)::int AS k, min(n) AS n, max(v) AS v FROM deposits WHERE id LIKE 'old-%'`,
          )
        ).rows[0]!;
        expect(rows).toEqual({ k: OLD_STREAMS, n: PER_STREAM, v: PER_STREAM });
        expect((await check.query<{ n: number }>(`SELECT count(*)::int AS n FROM deposits WHERE n <> v`)).rows[0]!.n).toBe(0);
      } finally {
        await check.close();
      }

      // reads go through the files: a temporal read, a full read, and the header that says so
      const server = await scratch.serve('app.tsk', { cwd: dir });
      const asOf = new Date(T0 + 49_500).toISOString();
      const temporal = await fetch(`${server.url}/aggregates/account/old-7?as_of=${encodeURIComponent(asOf)}`);
      expect(temporal.status).toBe(200);
      expect(temporal.headers.get('tusk-archived')).toBe('true');
      expect(await temporal.json()).toMatchObject({ version: 50, state: { n: 50 } });
      const atVersion = await fetch(`${server.url}/aggregates/account/old-8?version=20`);
      expect(await atVersion.json()).toMatchObject({ version: 20, state: { n: 20 } });
      const full = await fetch(`${server.url}/aggregates/account/old-999`);
      expect(full.headers.get('tusk-archived')).toBe('true');
      expect(await full.json()).toMatchObject({ version: PER_STREAM, state: { n: PER_STREAM } });
      const stream = (await (await fetch(`${server.url}/aggregates/account/old-3/events`)).json()) as { events: { version: number }[] };
      expect(stream.events.map((e) => e.version)).toEqual(Array.from({ length: PER_STREAM }, (_, i) => i + 1));
      // the OpenAPI document says so too
      const doc = (await (await fetch(`${server.url}/openapi.json`)).json()) as any;
      expect(doc.paths['/aggregates/account/{id}'].get.responses['200'].headers['tusk-archived'].schema).toEqual({
        type: 'string',
        enum: ['true', 'false'],
      });
      const recent = await fetch(`${server.url}/aggregates/account/new-0`);
      expect(recent.headers.get('tusk-archived')).toBe('false');
      expect(await recent.json()).toMatchObject({ version: 1, state: { n: 1 } });
    },
  );
});
