/**
 * Shared body of the in-database replay tests (run on the embedded store by the unit project
 * and on PostgreSQL by the int project): a rebuild whose batches the database writes by itself
 * must end with exactly the rows of a rebuild that sends every batch through the process.
 */
import fc from 'fast-check';
import { randomUUID } from 'node:crypto';
import { expect, it } from 'vitest';
import type { AppConfig } from '../../src/config/schema/index.js';
import type { Upcaster } from '../../src/engine/upcaster.js';
import { TuskError } from '../../src/errors.js';
import { buildUpcaster } from '../../src/migrations/buildUpcaster.js';
import { compileProjections, type CompiledProjection } from '../../src/projections/compile/compileProjection.js';
import { rebuildProjection, type RebuildResult } from '../../src/projections/rebuild/rebuildProjection.js';
import type { EventStore, NewEvent } from '../../src/store/EventStore.js';
import { quoteIdent } from '../../src/store/quoteIdent.js';

/** The app under test on `store` (a .tsk `event_store` block). */
export const replayApp = (store: string) => `
${store}
aggregates = {
    line = {
        commands = {
            Add = { creates = true, emits = "Added" }
            Stamp = { emits = "Stamped" }
            Old = { emits = "Migrated" }
        }
    }
}
event_versioning = {
    migrations = {
        Migrated_v1_to_v2 = { from_version = 1, to_version = 2, changes = { rename_fields = { old_label = "label" } } }
    }
}
projections = {
    lines = {
        table = "lines"
        events = ["Added", "Migrated"]
        columns = {
            id = "text primary key", label = "text", n = "numeric", flag = "boolean", doc = "jsonb", first = "jsonb",
            deep = "jsonb", last = "jsonb", who = "text", total = "numeric", pos = "bigint", kind = "text", note = "text"
        }
        mapping = {
            Added = {
                action = "insert"
                when = "data.skip IS NULL"
                fields = {
                    id = "data.key", label = "UPPER(data.label)", n = "data.n * 2", flag = "data.flag", doc = "data.doc",
                    first = "data.items[0]", deep = "data.doc.inner", last = "data.items[-1]", who = "metadata.user",
                    total = "COALESCE(data.n, 0) + version", pos = "position", kind = "aggregate_type", note = "CONCAT(event_type, '/', data.label)"
                }
            }
            Migrated = { action = "insert", fields = { id = "data.key", label = "data.label", note = "'migrated'" } }
        }
    }
    stamps = {
        table = "stamps"
        events = ["Stamped"]
        mapping = { Stamped = { action = "insert", fields = { at = "timestamp", label = "data.label" } } }
    }
}
`;

/** Text jsonb can hold (it refuses \u0000). */
const text = fc.string().map((s) => s.replaceAll('\u0000', ''));

/** A JSON value of any kind, quotes and SQL included. */
const anyValue: fc.Arbitrary<unknown> = fc.oneof(
  fc.constant(null),
  fc.boolean(),
  fc.integer({ min: -1e6, max: 1e6 }),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.constantFrom("'; DROP TABLE lines; --", 'O\'Brien "quoted"', 'ünïcödé ✓', '', '42', 'true', '{"a":1}'),
  text,
  fc.array(fc.oneof(fc.integer(), text, fc.constant(null)), { maxLength: 3 }),
  fc.dictionary(fc.constantFrom('inner', 'x', 'y'), fc.oneof(fc.integer(), text, fc.constant(null), fc.boolean())),
);

const FIELDS = ['label', 'n', 'flag', 'doc', 'items', 'skip'] as const;

/** Runs of events that share which fields they carry (so whole batches can share one SQL shape). */
const runs = fc.array(
  fc.record({
    count: fc.integer({ min: 1, max: 9 }),
    present: fc.subarray([...FIELDS]),
    values: fc.array(fc.dictionary(fc.constantFrom(...FIELDS), anyValue), { minLength: 9, maxLength: 9 }),
    same: fc.dictionary(fc.constantFrom(...FIELDS), anyValue),
    varies: fc.boolean(),
    user: fc.option(text, { nil: undefined }),
  }),
  { minLength: 1, maxLength: 6 },
);

type Outcome = { rows: unknown[] } | { error: string };

/** The projection's rows (or the rebuild's error code) after a rebuild with `inDatabase`. */
async function rebuildOutcome(
  store: EventStore,
  projection: CompiledProjection,
  upcaster: Upcaster,
  inDatabase: boolean,
  batchSize: number,
): Promise<{ outcome: Outcome; result?: RebuildResult }> {
  try {
    const result = await rebuildProjection(store, projection, { upcaster, inDatabase, batchSize, owner: 'test' });
    const table = store.tables.table(projection.tables.main.name);
    const { rows } = await store.query<{ row: unknown }>(
      `SELECT to_jsonb(t) AS row FROM ${table} AS t ORDER BY ${quoteIdent(projection.tables.main.key)}`,
    );
    return { outcome: { rows: rows.map((r) => r.row) }, result };
  } catch (err) {
    if (err instanceof TuskError) return { outcome: { error: err.code } };
    throw err;
  }
}

/** Registers the shared tests; `open` gives a fresh, empty store for the app of `replayApp`. */
export function replayInDatabaseTests(open: () => Promise<{ store: EventStore; model: AppConfig }>): void {
  let sequence = 0;
  const event = (type: string, data: unknown, metadata: Record<string, unknown> = {}, eventVersion = 1): NewEvent => ({
    id: randomUUID(),
    type,
    eventVersion,
    data,
    metadata,
    timestamp: new Date(Date.UTC(2025, 0, 1, 0, 0, ++sequence)),
  });
  const append = (store: EventStore, events: NewEvent[]) =>
    Promise.all(
      events.map((e) => store.append({ streamType: 'line', streamId: `s-${++sequence}`, expectedVersion: 'no_stream', events: [e] })),
    );

  it('writes the same rows as the process for events of every kind of value, batch sizes and duplicate keys', async () => {
    let inDatabase = 0;
    const { store, model } = await open();
    const projection = compileProjections(model).find((p) => p.name === 'lines')!;
    const upcaster = buildUpcaster(model);
    try {
      await fc.assert(
        fc.asyncProperty(runs, fc.integer({ min: 1, max: 6 }), fc.integer({ min: 0, max: 3 }), async (spec, batchSize, keyRange) => {
          await store.query(`TRUNCATE ${store.tables.events}`);
          const events: NewEvent[] = [];
          for (const run of spec) {
            for (let i = 0; i < run.count; i++) {
              const data: Record<string, unknown> = { key: keyRange === 0 ? `k-${events.length}` : `k-${events.length % keyRange}` };
              for (const f of run.present) data[f] = run.varies ? (run.values[i]![f] ?? null) : (run.same[f] ?? null);
              events.push(event('Added', data, run.user === undefined ? {} : { user: run.user }));
            }
          }
          for (const e of events) await append(store, [e]);
          const process = await rebuildOutcome(store, projection, upcaster, false, batchSize);
          const database = await rebuildOutcome(store, projection, upcaster, true, batchSize);
          expect(database.outcome).toEqual(process.outcome);
          inDatabase += database.result?.inDatabase ?? 0;
        }),
        { numRuns: 25 },
      );
    } finally {
      await store.close();
    }
    // the property holds trivially if the database never wrote a batch
    expect(inDatabase).toBeGreaterThan(0);
  }, 120_000);

  it('lets the database write uniform batches and the process write the rest: old versions, other types, timestamps', async () => {
    const { store, model } = await open();
    try {
      const [lines, stamps] = ['lines', 'stamps'].map((n) => compileProjections(model).find((p) => p.name === n)!);
      const upcaster = buildUpcaster(model);
      const added = (i: number) =>
        event('Added', { key: `a-${i}`, label: `l${i}`, n: i, flag: i % 2 === 0, doc: { inner: [i] }, items: [i, 'x'] }, { user: 'ann' });
      // 20 uniform events, 3 of an old version (upcast), 20 uniform, 1 of another type, 20 uniform
      await append(
        store,
        Array.from({ length: 20 }, (_, i) => added(i)),
      );
      await append(
        store,
        [0, 1, 2].map((i) => event('Migrated', { key: `m-${i}`, old_label: `old ${i}` }, {}, 1)),
      );
      await append(
        store,
        Array.from({ length: 20 }, (_, i) => added(100 + i)),
      );
      await append(store, [event('Migrated', { key: 'm-new', label: 'new' }, {}, 2)]);
      await append(
        store,
        Array.from({ length: 20 }, (_, i) => added(200 + i)),
      );
      await append(store, [event('Stamped', { label: 'stamp' })]);

      const process = await rebuildOutcome(store, lines!, upcaster, false, 10);
      const database = await rebuildOutcome(store, lines!, upcaster, true, 10);
      expect(database.outcome).toEqual(process.outcome);
      expect(database.result?.events).toBe(64);
      // each run of Added fills two uniform batches; the batches that touch Migrated events do not qualify
      expect(database.result?.inDatabase).toBeGreaterThanOrEqual(40);
      expect(database.result?.inDatabase).toBeLessThan(64);
      const rows = (process.outcome as { rows: Record<string, unknown>[] }).rows;
      expect(rows.find((r) => r.id === 'm-1')).toMatchObject({ label: 'old 1', note: 'migrated' }); // upcast v1 → v2
      expect(rows.find((r) => r.id === 'a-101')).toMatchObject({
        label: 'L101',
        n: 202,
        flag: false,
        doc: { inner: [101] },
        first: 101,
        last: 'x',
        deep: [101],
        who: 'ann',
        kind: 'line',
        note: 'Added/l101',
      });

      // `timestamp` is formatted by the process: that projection never runs in the database
      const stamped = await rebuildOutcome(store, stamps!, upcaster, true, 10);
      expect(stamped.result?.inDatabase).toBe(0);
      expect((stamped.outcome as { rows: Record<string, unknown>[] }).rows).toHaveLength(1);
    } finally {
      await store.close();
    }
  });

  it('reports a row the database refuses as the process does, naming the event', async () => {
    const { store, model } = await open();
    try {
      const lines = compileProjections(model).find((p) => p.name === 'lines')!;
      await append(
        store,
        Array.from({ length: 10 }, (_, i) => event('Added', { key: i === 6 ? null : `k-${i}`, label: 'x' })),
      );
      const error = await rebuildProjection(store, lines, { batchSize: 100, owner: 'test' }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(TuskError);
      expect((error as TuskError).code).toBe('PROJECTION_FAILED');
      expect((error as TuskError).message).toMatch(/projection lines cannot apply/);
    } finally {
      await store.close();
    }
  });
}
