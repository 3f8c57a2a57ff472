/**
 * The fast fold of aggregate loads (issue 8): evolveAll folds into one working copy and loads
 * read only event data when `apply` needs nothing else. Both must give exactly what folding
 * event by event with evolve over fully read events gives.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appSchema } from '../../src/config/schema/index.js';
import { compileAggregate } from '../../src/engine/compileAggregate.js';
import { evolve, evolveAll, type AggregateState } from '../../src/engine/evolve.js';
import { applyReadsDataOnly } from '../../src/engine/foldReads.js';
import { loadAggregate } from '../../src/engine/loadAggregate.js';
import type { EventStore, FoldEvent, StoredEvent } from '../../src/store/EventStore.js';
import { countingStore, engineContext, memoryStore } from './fixtures.js';

const model = appSchema.parse({
  aggregates: {
    acct: {
      state: { balance: 0, log: [], n: 0 },
      commands: {},
      apply: {
        Deposited: { balance: 'balance + data.amount', log: 'APPEND(log, data.amount)', n: 'n + 1', at: 'version', kind: 'event_type' },
        Swapped: { balance: 'n', n: 'balance' },
      },
    },
    audited: {
      state: { by: null },
      commands: {},
      apply: { Touched: { by: 'metadata.user', at: 'timestamp' } },
    },
  },
});
const acct = compileAggregate(model.aggregates.acct!, 'acct', model);
const audited = compileAggregate(model.aggregates.audited!, 'audited', model);

const stored = (type: string, data: unknown, version: number): StoredEvent => ({
  id: `e${version}`,
  type,
  eventVersion: 1,
  data,
  metadata: { user: `u${version}` },
  streamType: 'acct',
  streamId: 'x',
  version,
  position: version,
  timestamp: new Date(Date.UTC(2024, 0, 1, 0, 0, version)),
});

const eventArb = fc.oneof(
  fc.record({ type: fc.constant('Deposited'), data: fc.record({ amount: fc.integer({ min: -100, max: 100 }) }) }),
  fc.record({ type: fc.constant('Swapped'), data: fc.constant({}) }),
  // No apply entry: the data is merged, an own "__proto__" key included (never a prototype).
  fc.record({ type: fc.constant('Renamed'), data: fc.dictionary(fc.constantFrom('name', 'balance', '__proto__', 'x'), fc.jsonValue()) }),
  fc.record({ type: fc.constant('Odd'), data: fc.oneof(fc.constant(null), fc.array(fc.integer())) }),
);

describe('evolveAll', () => {
  it('equals folding event by event with evolve, for stored and data-only events, and leaves its input alone', () => {
    fc.assert(
      fc.property(fc.array(eventArb, { maxLength: 30 }), (specs) => {
        const events = specs.map((s, i) => stored(s.type, s.data, i + 1));
        const start: AggregateState = { balance: 1, log: [0], n: 0 };
        const frozen = JSON.stringify(start);
        const oneByOne = events.reduce((state, e) => evolve(acct, state, e), start);
        const lean: FoldEvent[] = events.map(({ streamType, streamId, version, type, eventVersion, data }) => ({
          streamType,
          streamId,
          version,
          type,
          eventVersion,
          data,
        }));
        expect(evolveAll(acct, start, events)).toStrictEqual(oneByOne);
        expect(evolveAll(acct, start, lean)).toStrictEqual(oneByOne);
        expect(JSON.stringify(start)).toBe(frozen);
        expect(Object.getPrototypeOf(evolveAll(acct, start, events))).toBe(Object.prototype);
      }),
      { numRuns: 200 },
    );
  });
});

describe('data-only loads', () => {
  let store: EventStore;
  beforeAll(async () => {
    store = await memoryStore();
  });
  afterAll(async () => {
    await store?.close();
  });

  it('are used exactly when apply names no metadata, timestamp or NOW() (position is a state field in apply)', () => {
    expect(acct.foldsDataOnly).toBe(true);
    expect(audited.foldsDataOnly).toBe(false);
    expect(applyReadsDataOnly({ E: { a: 'COALESCE(data.a, version)' } })).toBe(true);
    expect(applyReadsDataOnly({ E: { a: 'NOW()' } })).toBe(false);
    expect(applyReadsDataOnly({ E: { a: "CONCAT(aggregate_id, '-', position)" } })).toBe(true);
    expect(applyReadsDataOnly({ E: { a: "CONCAT(aggregate_id, '-', timestamp)" } })).toBe(false);
    expect(applyReadsDataOnly({ E: { a: 'data.x IN (metadata.y, 1)' } })).toBe(false);
  });

  it('load the same state as a full read, for both kinds of aggregate', async () => {
    const ctx = engineContext(model, store);
    const counting = countingStore(store);
    for (const [type, eventType] of [
      ['acct', 'Deposited'],
      ['audited', 'Touched'],
    ] as const) {
      const events = Array.from({ length: 250 }, (_, i) => ({
        id: crypto.randomUUID(),
        type: eventType,
        eventVersion: 1,
        data: { amount: i },
        metadata: { user: `u${i}` },
        timestamp: new Date(Date.UTC(2024, 0, 1, 0, 0, i)),
      }));
      await store.append({ streamType: type, streamId: 's', expectedVersion: 'no_stream', events });
      const definition = type === 'acct' ? acct : audited;
      const full = await store.readStream(type, 's');
      const expected = full.reduce((state, e) => evolve(definition, state, e), structuredClone(definition.initialState) as AggregateState);
      const loaded = await loadAggregate({ ...ctx, store: counting.store }, definition, 's');
      expect(loaded).toMatchObject({ version: 250, state: expected });
    }
    expect(counting.readEvents()).toBe(500);
  });
});
