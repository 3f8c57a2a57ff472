/**
 * Forgetting a data subject (`DELETE /subjects/{id}`, `tusk-es forget`): its key is destroyed,
 * so every sealed field of it reads as erased from then on, everywhere (crypto-shredding); its
 * streams' snapshots and cached states go (they were derived from those fields); the read
 * models' personal columns are recomputed from the erased events; and the deletion is
 * recorded in the log by an event that carries no personal data.
 */
import { TuskError } from '../errors.js';
import { projectionSystemOf } from '../projections/ProjectionSystem.js';
import type { Runtime } from '../runtime/Runtime.js';
import type { StoredEvent } from '../store/EventStore.js';
import { uuidv7 } from '../engine/uuidv7.js';
import { personalDataOf } from './withPersonalData.js';

/** The audit stream: one stream per forgotten subject. */
export const SUBJECTS_STREAM_TYPE = '$subjects';
/** The audit event type. */
export const SUBJECT_FORGOTTEN = '$SubjectForgotten';

/** What a forget did. */
export interface ForgetResult {
  subject: string;
  keys_destroyed: number;
  streams: number;
  /** Statements that recomputed personal projection columns. */
  projection_updates: number;
  /** Global position of the audit event. */
  position: number;
}

/** Forgets `subject`; 404 SUBJECT_NOT_FOUND when no personal data of it was ever stored. */
export async function forgetSubject(runtime: Runtime, subject: string): Promise<ForgetResult> {
  const store = personalDataOf(runtime.store);
  if (store === undefined)
    throw new TuskError('SUBJECT_NOT_FOUND', 'this app declares no personal_data, so there is no subject to forget', {
      details: { subject },
    });
  const destroyed = await store.destroySubject(subject);
  if (destroyed.keyIds.length === 0 && destroyed.streams.length === 0) {
    throw new TuskError('SUBJECT_NOT_FOUND', `no personal data of subject '${subject}' was ever stored`, { details: { subject } });
  }
  const events: StoredEvent[] = [];
  for (const s of destroyed.streams) {
    runtime.engine.stateCache?.delete?.(s.streamType, s.streamId);
    events.push(...(await store.readStream(s.streamType, s.streamId)));
  }
  const projections = projectionSystemOf(runtime);
  const updates = projections === undefined ? 0 : await projections.scrub(events);
  const [audit] = (
    await store.append({
      streamType: SUBJECTS_STREAM_TYPE,
      streamId: subject,
      expectedVersion: 'any',
      events: [
        {
          id: uuidv7(),
          type: SUBJECT_FORGOTTEN,
          eventVersion: 1,
          data: { subject, keys_destroyed: destroyed.keyIds.length, streams: destroyed.streams.length, projection_updates: updates },
          metadata: {},
          timestamp: new Date(),
        },
      ],
    })
  ).events;
  runtime.logger.info({ subject, keys: destroyed.keyIds.length, streams: destroyed.streams.length }, 'personal data subject forgotten');
  return {
    subject,
    keys_destroyed: destroyed.keyIds.length,
    streams: destroyed.streams.length,
    projection_updates: updates,
    position: audit!.position,
  };
}
