import { describe, expect, it } from 'vitest';
import { appSchema } from '../../src/config/schema/index.js';
import { compileAggregate } from '../../src/engine/compileAggregate.js';
import { evolve, evolveAll } from '../../src/engine/evolve.js';
import type { StoredEvent } from '../../src/store/EventStore.js';

const model = appSchema.parse({
  aggregates: {
    acct: {
      state: { a: 1, b: 2, log: [], balance: 0 },
      commands: {},
      apply: {
        Swapped: { a: 'b', b: 'a' },
        Deposited: {
          balance: 'balance + data.amount',
          log: 'APPEND(log, data.amount)',
          last_at: 'timestamp',
          at_version: 'version',
          by: 'metadata.user',
        },
      },
    },
  },
});
const def = compileAggregate(model.aggregates.acct!, 'acct', model);
let version = 0;
const event = (type: string, data: unknown, metadata: Record<string, unknown> = {}): StoredEvent => ({
  id: `e${++version}`,
  type,
  eventVersion: 1,
  data,
  metadata,
  streamType: 'acct',
  streamId: 'x',
  version,
  position: version,
  timestamp: new Date(Date.UTC(2024, 0, 1, 0, 0, version)),
});

describe('evolve', () => {
  it('evaluates every field of one apply against the state before the event', () => {
    expect(evolve(def, { a: 1, b: 2 }, event('Swapped', {}))).toEqual({ a: 2, b: 1 });
  });

  it('exposes data, metadata, timestamp and version to apply expressions', () => {
    const s = evolveAll(def, def.initialState, [
      event('Deposited', { amount: 5 }, { user: 'u1' }),
      event('Deposited', { amount: 7 }, { user: 'u2' }),
    ]);
    expect(s).toMatchObject({ balance: 12, log: [5, 7], by: 'u2', at_version: version });
    expect(s.last_at).toBe(new Date(Date.UTC(2024, 0, 1, 0, 0, version)).toISOString());
  });

  it('shallow-merges data of events without an apply entry and leaves the input state untouched', () => {
    const before = { a: 1, nested: { x: 1 } };
    const after = evolve(def, before, event('Renamed', { name: 'n', nested: { y: 2 } }));
    expect(after).toEqual({ a: 1, name: 'n', nested: { y: 2 } });
    expect(before).toEqual({ a: 1, nested: { x: 1 } });
  });

  it('hashes state and apply, and only those, into configHash', () => {
    const other = appSchema.parse({ aggregates: { acct: { ...model.aggregates.acct, commands: { Noop: { emits: 'X' } } } } });
    expect(compileAggregate(other.aggregates.acct!, 'acct', other).configHash).toBe(def.configHash);
    const changed = appSchema.parse({ aggregates: { acct: { ...model.aggregates.acct, state: { a: 0 } } } });
    expect(compileAggregate(changed.aggregates.acct!, 'acct', changed).configHash).not.toBe(def.configHash);
  });
});

describe('position in apply', () => {
  it('is not an event root in apply (a command folds before positions exist): `position` is a state field there, and check says so', async () => {
    const m = appSchema.parse({
      aggregates: {
        p: { state: { position: 'left', moves: 0 }, commands: {}, apply: { Moved: { moves: 'moves + 1', seen: 'position' } } },
      },
    });
    const d = compileAggregate(m.aggregates.p!, 'p', m);
    const e: StoredEvent = {
      id: 'm1',
      type: 'Moved',
      eventVersion: 1,
      data: {},
      metadata: {},
      streamType: 'p',
      streamId: 'x',
      version: 1,
      position: 987,
      timestamp: new Date(),
    };
    expect(evolve(d, d.initialState as Record<string, unknown>, e)).toMatchObject({ seen: 'left', moves: 1 });
    expect(evolveAll(d, d.initialState as Record<string, unknown>, [e, { ...e, id: 'm2', version: 2, position: 988 }])).toMatchObject({
      seen: 'left',
      moves: 2,
    });
    const { loadConfigText } = await import('../../src/config/index.js');
    const { diagnostics } = await loadConfigText(
      'aggregates = { q = { state = { n = 0 }, commands = { A = { creates = true, emits = "A" } }, apply = { A = { n = "position" } } } }',
      'app.tsk',
      { mode: 'check' },
    );
    expect(diagnostics.map((x) => `${x.severity} ${x.code} ${x.message}`)).toEqual([
      expect.stringMatching(/^warning EXPR_UNKNOWN_NAME .*unknown state field 'position' \('position' is not available in an apply rule/),
    ]);
  });
});
