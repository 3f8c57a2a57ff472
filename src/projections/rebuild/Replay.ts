/** What every step of one rebuild's replay shares: where it reads, what it writes, how it reports. */
import type { Upcaster } from '../../engine/upcaster.js';
import type { EventStore } from '../../store/EventStore.js';
import type { TableRef } from '../apply/writeSql.js';
import type { CompiledProjection } from '../compile/compileProjection.js';
import type { RebuildClock } from './RebuildProgress.js';

/** One rebuild's replay: the store, the projection and its fresh tables, the batch size, the upcaster and the progress clock. */
export interface Replay {
  store: EventStore;
  projection: CompiledProjection;
  /** The fresh tables, in target order. */
  fresh: readonly TableRef[];
  /** Events per batch. */
  limit: number;
  upcast: Upcaster;
  clock: RebuildClock;
}
