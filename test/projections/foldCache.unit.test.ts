/**
 * The inline fold keeps the statement it built for a group's shape and first placeholder
 * (foldWrites.ts): a batch that finds it must get exactly the text and the parameters a fold
 * with nothing kept builds. Each batch below is folded twice: by projections that have folded
 * every batch before it (what they kept is used), and by projections compiled afresh (nothing
 * kept: the statement is built). The batches vary whatever the statement depends on.
 */
import { describe, expect, it } from 'vitest';
import { foldWrites } from '../../src/projections/apply/foldWrites.js';
import { compileProjections, type CompiledProjection } from '../../src/projections/compile/compileProjection.js';
import { freshTables, liveTables } from '../../src/projections/sql/tableRefs.js';
import type { TableRef } from '../../src/projections/apply/writeSql.js';
import type { StoredEvent } from '../../src/store/EventStore.js';
import type { BatchParts } from '../../src/store/sql/batchWriteSql.js';
import { storeTables } from '../../src/store/tables.js';
import { foldContext } from '../../src/store/sql/writeAccepted.js';
import { modelOf } from './helpers.js';

const app = `
aggregates = {
    user = {
        state = { email = "" }
        commands = {
            CreateUser = { creates = true, input = { email = "string", name = "string", age = "any?" }, emits = "UserCreated" }
            ImportUser = { creates = true, input = { email = "string", name = "string", age = "any?" }, emits = "UserImported" }
            Rename = { input = { name = "string" }, emits = "Renamed" }
        }
    }
}
projections = {
    users = {
        table = "users"
        events = ["UserCreated", "UserImported"]
        columns = { id = "text primary key", email = "text", name = "text", age = "text", kind = "text", at = "text", at_tz = "timestamptz", created_at = "timestamptz" }
        mapping = {
            UserCreated = { action = "insert", fields = { email = "data.email", name = "UPPER(data.name)", age = "data.age", kind = "'new'", at = "timestamp", at_tz = "timestamp", created_at = "NOW()" } }
            UserImported = { action = "insert", fields = { email = "data.email", name = "UPPER(data.name)", age = "data.age", kind = "'new'", at = "timestamp", at_tz = "timestamp", created_at = "NOW()" } }
        }
    }
    names = {
        table = "names"
        events = ["UserCreated", "Renamed"]
        columns = { id = "text primary key", name = "text" }
    }
}
`;

type Kind = 'created' | 'imported' | 'renamed';

interface Batch {
  events: [Kind, Record<string, unknown>][];
  parts?: Partial<BatchParts>;
  alone?: boolean;
  /** The events are not as stored (an upcaster changed one). */
  upcast?: boolean;
  /** The stored rows are not the fold's events (personal data sealed at rest): no eventRows. */
  sealed?: boolean;
  /** The events' time (a year outside 1000–9999 is not read from the rows). */
  at?: string;
  /** Into a rebuild's fresh tables instead of the live ones. */
  fresh?: boolean;
}

const TYPES: Record<Kind, string> = { created: 'UserCreated', imported: 'UserImported', renamed: 'Renamed' };
const tables = storeTables('public', '');
let serial = 0;

function eventsOf(batch: Batch): StoredEvent[] {
  return batch.events.map(([kind, data]) => ({
    id: `00000000-0000-4000-8000-${String(++serial).padStart(12, '0')}`,
    type: TYPES[kind],
    streamType: 'user',
    streamId: `u${serial}`,
    version: 1,
    position: 0,
    eventVersion: 1,
    data,
    metadata: {},
    timestamp: new Date(batch.at ?? '2026-12-07T08:00:00.123Z'),
  }));
}

const refs = new WeakMap<CompiledProjection, { live: TableRef[]; fresh: TableRef[] }>();

/** A projection's table refs, the same objects each time (as the inline hook keeps them). */
function tablesOf(p: CompiledProjection, fresh: boolean): TableRef[] {
  let r = refs.get(p);
  if (r === undefined) refs.set(p, (r = { live: liveTables('public', p), fresh: freshTables('public', p) }));
  return fresh ? r.fresh : r.live;
}

/** Folds `batch` as writeAccepted does: the batch's own parameters first, then each projection's. */
function fold(projections: readonly CompiledProjection[], batch: Batch, events = eventsOf(batch)) {
  const parts: BatchParts = {
    keys: false,
    snapshots: false,
    guard: false,
    claims: false,
    releases: false,
    keysGuard: false,
    ...batch.parts,
  };
  const params: unknown[] = ['events'];
  for (const part of ['keys', 'snapshots', 'guard', 'claims', 'releases'] as const) if (parts[part] === true) params.push(part);
  if (parts.epoch !== undefined) params.push('epoch');
  if (parts.notify === true) params.push('channel', 'payload');
  const sql = foldContext(tables, parts, params, batch.alone ?? false);
  const statements = projections.map((p) => {
    const relevant = events.filter((e) => p.planners.has(e.type));
    return relevant.length === 0
      ? []
      : foldWrites(p, tablesOf(p, batch.fresh === true), relevant, batch.sealed === true ? { ...sql, eventRows: undefined } : sql, {
          asStored: batch.upcast !== true,
        });
  });
  return { statements, params, eventRows: parts.eventRows === true };
}

const created = (i: number, age: unknown = i): [Kind, Record<string, unknown>] => ['created', { email: `u${i}@x`, name: `n${i}`, age }];
const imported = (i: number): [Kind, Record<string, unknown>] => ['imported', { email: `i${i}@x`, name: `m${i}`, age: i }];

const BATCHES: Batch[] = [
  { events: [created(1), created(2), created(3)] },
  { events: [created(4), created(5)] },
  // the same shape with the batch's parameters moved on: keys and claims, then a guard, snapshots, an epoch, a NOTIFY
  { events: [created(6), created(7)], parts: { keys: true, claims: true, keysGuard: true } },
  { events: [created(8)], parts: { guard: true, snapshots: true, lockKey: '42', epoch: 'seq', notify: true } },
  { events: [created(9), created(10)], parts: { claims: true, claimsByKey: true, lockKey: '42' }, alone: true },
  { events: [created(11), created(12)], alone: true },
  { events: [created(13), created(14)] },
  // a number JSON prints with an exponent stays bound; then the same shape reads the rows again
  { events: [created(15, 1e21), created(16)] },
  { events: [created(17, 1e-7)], parts: { keys: true } },
  { events: [created(18), created(19)], parts: { keys: true } },
  // bound with the same first placeholder, but guarded, then locked (another filter, another join)
  { events: [created(41, 1e21)], parts: { guard: true } },
  { events: [created(42, 1e21)], parts: { keys: true, lockKey: '42' } },
  // texts instead of numbers: another shape; a text, a null
  { events: [created(20, 'old'), created(21, 'older')] },
  { events: [created(22, null), created(23, null)] },
  // two event types of one shape in one group: the type cannot pick the rows, so it binds
  { events: [created(24), imported(25), created(26)] },
  { events: [imported(27), imported(28)] },
  { events: [imported(29), imported(30)], parts: { guard: true } },
  // a time the rows cannot give (a five-digit year), an upcast batch, sealed personal data
  { events: [created(31), created(32)], at: '+012026-01-01T00:00:00.000Z' },
  { events: [created(33), created(34)], upcast: true },
  { events: [created(35), created(36)], sealed: true },
  { events: [created(37), ['renamed', { name: 'r' }], created(38)] },
  { events: [created(39), created(40)] },
  { events: [created(43), created(44)], fresh: true },
  { events: [created(45, 1e21)], fresh: true },
];

describe('the inline fold keeps what it built per shape', () => {
  it('yields exactly the statement and parameters of a fold that kept nothing, batch after varied batch', async () => {
    const model = await modelOf(app);
    const warm = compileProjections(model);
    let fromRows = 0;
    let bound = 0;
    // twice over: the second round finds everything kept
    for (const batch of [...BATCHES, ...BATCHES]) {
      const events = eventsOf(batch);
      const fresh = compileProjections(model);
      const expected = fold(fresh, batch, events);
      const got = fold(warm, batch, events);
      expect(got).toEqual(expected);
      const users = got.statements[0]!;
      if (users === undefined || users.length === 0) continue;
      if (users[0]!.includes('ev AS _tusk_e')) fromRows++;
      else bound++;
    }
    // both ways of reading the values were exercised
    expect(fromRows).toBeGreaterThan(10);
    expect(bound).toBeGreaterThan(10);
  });

  it('reads the rows only where the values are as stored and print as the rows do', async () => {
    const model = await modelOf(app);
    const projections = compileProjections(model);
    const reads = (batch: Batch) => {
      const { statements, eventRows } = fold(projections, batch);
      const users = statements[0]![0]!;
      expect(users.includes('ev AS _tusk_e')).toBe(eventRows);
      return eventRows;
    };
    for (let round = 0; round < 2; round++) {
      expect(reads({ events: [created(1), created(2)] })).toBe(true);
      expect(reads({ events: [created(3, 1e21), created(4)] })).toBe(false);
      expect(reads({ events: [created(5), created(6)], sealed: true })).toBe(false);
      expect(reads({ events: [created(7), created(8)], upcast: true })).toBe(false);
      expect(reads({ events: [created(9), imported(10)] })).toBe(false);
      expect(reads({ events: [created(11), created(12)], at: '+012026-01-01T00:00:00.000Z' })).toBe(false);
    }
    // a bound exponent is the number's own JSON text in the values parameter
    const { params } = fold(projections, { events: [created(13, 1e21)] });
    expect(params.some((p) => typeof p === 'string' && p.includes('"1e+21"'))).toBe(true);
  });
});
