/**
 * Scrubs the read models after a data subject was forgotten: the subject's events, read again
 * (their personal fields now erased), recompute the `personal = true` columns of the rows they
 * wrote, in one transaction per projection (see compile/compileScrub.ts).
 */
import type { EventStore, StoredEvent } from '../store/EventStore.js';
import type { Upcaster } from '../engine/upcaster.js';
import { applyEvents } from './apply/applyEvents.js';
import type { CompiledProjection } from './compile/compileProjection.js';
import { liveTables } from './sql/tableRefs.js';

/** Recomputes the personal columns of `projections` from `events` (in log order); resolves to the statements run. */
export async function scrubSubject(
  store: EventStore,
  projections: readonly CompiledProjection[],
  events: readonly StoredEvent[],
  upcast: Upcaster,
): Promise<number> {
  let statements = 0;
  const ordered = [...events].sort((a, b) => a.position - b.position);
  for (const p of projections) {
    if (p.scrub.size === 0) continue;
    const mine = ordered.filter((e) => p.scrub.has(e.type)).map((e) => upcast(e));
    if (mine.length === 0) continue;
    const scrubbing: CompiledProjection = { ...p, planners: p.scrub };
    statements += await store.transaction((tx) => applyEvents(tx, scrubbing, liveTables(store.tables.schema, p), mine, 'none'));
  }
  return statements;
}
