/** The seeds' partitioning and archival words become `event_store.partitioning` and `archive` (issue 16 items 3-4). */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/loadConfig.js';
import { check, lines, modelOf } from './helpers.js';

const seeds = join(import.meta.dirname, '../fixtures/seeds');
const DAY = 86_400_000;

describe('partitioning and archival in the seeds', () => {
  it('seed 000: partitioning { strategy = "by_date", partition_size = "monthly" } is a time-range partitioning by month', async () => {
    const { model } = await modelOf('event_store = { partitioning = { strategy = "by_date", partition_size = "monthly" } }');
    expect(model.event_store.partitioning).toEqual({ by: 'time', interval: 'month', partition_count: 8 });
    const loaded = await loadConfig(join(seeds, '000_event_sourcing.tsk'), { mode: 'check', env: { DATABASE_URL: 'postgres://h/db' } });
    expect(loaded.model?.event_store.partitioning).toMatchObject({ by: 'time', interval: 'month' });
  });

  it('seed 004: PartitionedEventStream(partitionCount) is hash partitioning with partition_count', async () => {
    const { model, diagnostics } = await modelOf('event_store = { partitioning = { partition_count = 10 } }');
    expect(diagnostics).toEqual([]);
    expect(model.event_store.partitioning).toMatchObject({ by: 'hash', partition_count: 10 });
  });

  it('seed 001: retention { events_days = 365, archive_enabled = true } archives streams after 365 days', async () => {
    const loaded = await loadConfig(join(seeds, '001_event_store.tsk'), { mode: 'check', env: {} });
    expect(loaded.model?.event_store.archive).toMatchObject({ after: 365 * DAY });
  });

  it('refuses a partitioning it does not know, located', async () => {
    const { diagnostics } = await check('event_store = {\n  partitioning = { by = "colour" }\n}');
    expect(lines(diagnostics)).toEqual([
      '2:25 error CONFIG_INVALID event_store.partitioning.by: expected "none" or "hash" or "archived" or "time", got "colour"',
    ]);
  });
});

describe('check: archival', () => {
  const app = (store: string, archive: string) =>
    `event_store = { ${store} }\naggregates = {\n  order = {\n    commands = { Open = { creates = true, emits = "Opened" }, Close = { emits = "Closed" } }\n    ${archive}\n  }\n}`;

  it('a closing event the aggregate does not emit is a located error', async () => {
    const { diagnostics } = await check(app('partitioning = { by = "archived" }', 'archive = { on = "Shipped" }'));
    expect(lines(diagnostics)).toEqual([
      '5:22 error CONFIG_REFERENCE aggregates.order.archive.on: closing event "Shipped" is not an event of order (it emits Opened, Closed)',
    ]);
    expect(lines((await check(app('partitioning = { by = "archived" }', 'archive = { on = "Closed" }'))).diagnostics)).toEqual([]);
  });

  it('archival on a table not partitioned by archived is a warning: events stay in place, flagged', async () => {
    const { diagnostics } = await check(app('archive = { after = "90 days" }', ''));
    expect(lines(diagnostics)).toEqual([
      expect.stringMatching(/^1:\d+ warning CONFIG_ARCHIVE_IN_PLACE event_store\.archive: archived events stay in the events table/),
    ]);
  });
});
