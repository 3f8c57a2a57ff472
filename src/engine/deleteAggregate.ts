/**
 * Soft delete (DELETE /aggregates/{type}/{id}): appends the `$deleted` tombstone. The stream is
 * read-only afterwards (commands answer 409 STREAM_DELETED), its events stay readable, and its
 * `unique` values are released, so another aggregate may claim them. Like KurrentDB's soft
 * delete, but the state stays readable too: GET answers it with `deleted: true`.
 */
import { randomUUID } from 'node:crypto';
import { ConflictError, NotFoundError } from '../errors.js';
import type { AggregateDefinition } from './AggregateDefinition.js';
import type { EngineContext } from './EngineContext.js';
import { loadAggregate } from './loadAggregate.js';
import { TOMBSTONE } from './systemEvents.js';
import { uniqueChanges } from './uniqueChanges.js';

/** What a soft delete answers. */
export interface DeleteResult {
  id: string;
  type: string;
  version: number;
  position: number;
  deleted: true;
}

/** Appends the tombstone of `id`; 404 when it does not exist, 409 STREAM_DELETED when it is deleted already. */
export function deleteAggregate(
  ctx: EngineContext,
  definition: AggregateDefinition,
  id: string,
  metadata: Record<string, unknown> = {},
): Promise<DeleteResult> {
  return ctx.mutex.run(`${definition.name}\u0000${id}`, async () => {
    // Read from the store: a cached state may be behind another process's appends.
    const loaded = await loadAggregate(ctx, definition, id);
    if (loaded.version === 0) throw new NotFoundError('STREAM_NOT_FOUND', `${definition.name} '${id}' does not exist`);
    if (loaded.deleted === true) throw new ConflictError('STREAM_DELETED', `${definition.name} '${id}' was deleted already`);
    const unique = uniqueChanges(definition.unique, loaded.state, {});
    const commandId = randomUUID();
    const event = {
      id: randomUUID(),
      type: TOMBSTONE,
      eventVersion: 1,
      data: {},
      metadata: { ...metadata, correlation_id: commandId, causation_id: commandId, command: 'delete' },
      timestamp: ctx.now?.() ?? new Date(),
    };
    // No snapshot with it: a load must always read the tombstone from the tail (loadAggregate).
    const appended = await ctx.store.append({
      streamType: definition.name,
      streamId: id,
      expectedVersion: loaded.version,
      events: [event],
      ...(unique.release.length > 0 ? { unique } : {}),
    });
    const stored = appended.events[0]!;
    const tombstoned = { version: stored.version, state: loaded.state, deleted: true };
    ctx.stateCache?.set(definition.name, id, definition.configHash, tombstoned, loaded.generation);
    ctx.bus.publish(appended.events);
    return { id, type: definition.name, version: stored.version, position: Number(stored.position), deleted: true };
  });
}
