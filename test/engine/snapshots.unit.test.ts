import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appSchema } from '../../src/config/schema/index.js';
import { compileAggregate, getDefinition } from '../../src/engine/compileAggregate.js';
import { evolveAll } from '../../src/engine/evolve.js';
import { handleCommand } from '../../src/engine/handleCommand.js';
import { loadAggregate } from '../../src/engine/loadAggregate.js';
import type { EventStore } from '../../src/store/EventStore.js';
import { countingStore, engineContext, memoryStore, shopModel } from './fixtures.js';

// Acceptance 5 of issue 3: 10,000 events with snapshot_frequency = 100.
const TOTAL = 10_000;
const BATCH = 1_000;
let store: EventStore;

beforeAll(async () => {
  store = await memoryStore();
});
afterAll(async () => {
  await store?.close();
});

describe('snapshots', () => {
  it('loads a 10,000-event aggregate reading at most 100 events after the snapshot; a changed apply ignores it', async () => {
    const model = shopModel();
    const ctx = engineContext(model, store);
    const definition = getDefinition(ctx.definitions, 'counter');
    await handleCommand(ctx, { aggregateType: 'counter', aggregateId: 'c', command: 'Start', input: {} });

    // Bulk-append through the store, building the state with the definition like the engine does.
    let state = (await loadAggregate(ctx, definition, 'c')).state;
    let version = 1;
    while (version < TOTAL) {
      // Batches end on multiples of 1,000, so each carries the snapshot of its last version.
      const n = Math.min(BATCH - (version % BATCH), TOTAL - version);
      const events = Array.from({ length: n }, (_, i) => ({
        id: crypto.randomUUID(),
        type: 'Incremented',
        eventVersion: 1,
        data: { by: (version + i) % 7 },
        metadata: {},
        timestamp: new Date(),
      }));
      const provisional = events.map((e, i) => ({ ...e, streamType: 'counter', streamId: 'c', version: version + i + 1, position: 0 }));
      state = evolveAll(definition, state, provisional);
      version += n;
      await store.append({
        streamType: 'counter',
        streamId: 'c',
        expectedVersion: version - n,
        events,
        snapshot: { version, state, configHash: definition.configHash },
      });
    }
    // Commands through the engine keep snapshotting every 100 events.
    for (let i = 0; i < 150; i++)
      await handleCommand(ctx, { aggregateType: 'counter', aggregateId: 'c', command: 'Increment', input: { by: 1 } });

    const expectedTotal = Array.from({ length: TOTAL - 1 }, (_, i) => (i + 1) % 7).reduce((a, b) => a + b, 0) + 150;
    const counting = countingStore(store);
    const loaded = await loadAggregate({ ...ctx, store: counting.store }, definition, 'c');
    expect(loaded.version).toBe(TOTAL + 150);
    expect(loaded.state).toEqual({ n: TOTAL - 1 + 150, total: expectedTotal });
    expect(counting.readEvents()).toBeLessThanOrEqual(100);
    expect(await store.loadSnapshot('counter', 'c', definition.configHash)).toMatchObject({ version: TOTAL + 100 });

    // Same stream, different apply: the old snapshot's hash no longer matches.
    const changed = appSchema.parse({
      ...model,
      aggregates: {
        ...model.aggregates,
        counter: { ...model.aggregates.counter, apply: { Incremented: { n: 'n + 1', total: 'total + data.by * 2' } } },
      },
    });
    const changedDef = compileAggregate(changed.aggregates.counter!, 'counter', changed);
    expect(changedDef.configHash).not.toBe(definition.configHash);
    counting.reset();
    const reloaded = await loadAggregate({ ...ctx, store: counting.store }, changedDef, 'c');
    expect(reloaded.state).toEqual({ n: TOTAL - 1 + 150, total: expectedTotal * 2 });
    expect(counting.readEvents()).toBe(TOTAL + 150);
  });
});
