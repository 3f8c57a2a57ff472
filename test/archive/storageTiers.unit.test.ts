/**
 * Seed 004's `storage_tiers` (hot Redis with a TTL, warm SQL, archive) and its
 * `EventArchival(retentionDays)` map onto `cache` and `event_store` (issue 16 item 3), and the
 * files tier's keys check.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/loadConfig.js';
import { check, lines, modelOf } from '../config/helpers.js';

const DAY = 86_400_000;
const fixture = join(import.meta.dirname, '../fixtures/seed004/storage_tiers.tsk');

describe('seed 004 storage tiers', () => {
  it('hot is the Redis cache (TTL in seconds), warm the PostgreSQL store, archive the files tier after 365 days', async () => {
    const loaded = await loadConfig(fixture, { mode: 'check', env: {} });
    expect(loaded.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    const model = loaded.model!;
    expect(model.cache).toMatchObject({ type: 'redis', ttl: 48 * 3_600_000, enabled: true });
    expect(model.event_store.type).toBe('postgresql');
    expect(model.event_store.archive).toMatchObject({ after: 365 * DAY, storage: 'files', dir: 'storage/event-archive' });
    // what has no meaning here is a located warning, never silently dropped
    expect(lines(loaded.diagnostics).filter((l) => l.includes('storage_tiers'))).toEqual([
      '15:13 warning CONFIG_IGNORED event_sourcing.storage_tiers.warm.connection: ignored: a named connection; set event_store.connection to a PostgreSQL URL',
      '16:13 warning CONFIG_IGNORED event_sourcing.storage_tiers.warm.table: ignored: the tables are <table_prefix>events and <table_prefix>snapshots (event_store.table_prefix)',
      '17:13 warning CONFIG_IGNORED event_sourcing.storage_tiers.warm.snapshots_table: ignored: the tables are <table_prefix>events and <table_prefix>snapshots (event_store.table_prefix)',
    ]);
  });

  it('EventArchival(retentionDays): event_archival archives after that many days (365 by default)', async () => {
    expect((await modelOf('event_archival = { retention_days = 30 }')).model.event_store.archive).toMatchObject({
      after: 30 * DAY,
      storage: 'partition',
    });
    expect((await modelOf('event_sourcing = { event_archival = true }')).model.event_store.archive).toMatchObject({ after: 365 * DAY });
  });

  it('a database archive driver is the archive partition; a hot tier turned off is a cache turned off; MySQL is a warning', async () => {
    const { model, diagnostics } = await modelOf(
      'storage_tiers = {\n  hot = { enabled = false }\n  warm = { driver = "mysql" }\n  archive = { driver = "database", retention_days = 90 }\n}',
    );
    expect(model.event_store.archive).toMatchObject({ after: 90 * DAY, storage: 'partition' });
    expect(model.cache).toMatchObject({ enabled: false });
    expect(model.event_store.type).toBe('embedded');
    expect(diagnostics).toContainEqual(
      expect.stringMatching(/^3:12 warning CONFIG_IGNORED storage_tiers\.warm\.driver: ignored: the warm tier is the event store/),
    );
  });

  it('an unknown tier is a located error', async () => {
    expect(lines((await check('storage_tiers = {\n  hott = { ttl = 1 }\n}')).diagnostics)).toEqual([
      expect.stringMatching(/^2:3 error CONFIG_UNKNOWN_KEY storage_tiers\.hott: unknown tier \(did you mean `hot`\?\)$/),
    ]);
  });
});

describe('check: the files tier', () => {
  it('takes storage = "files" with a dir, without the in-place warning', async () => {
    const { model, diagnostics } = await modelOf('event_store = { archive = { after = "90 days", storage = "files", dir = "cold" } }');
    expect(diagnostics).toEqual([]);
    expect(model.event_store.archive).toMatchObject({ after: 90 * DAY, storage: 'files', dir: 'cold' });
  });

  it('refuses another storage, located', async () => {
    expect(lines((await check('event_store = {\n  archive = { storage = "s3" }\n}')).diagnostics)).toEqual([
      '2:25 error CONFIG_INVALID event_store.archive.storage: expected "partition" or "files", got "s3"',
    ]);
  });
});
