/**
 * `POST /dead-letters/{id}/retry`: delivers the event once more through its relay's publisher,
 * now, outside the relay's order (the event is late by definition). Removed on success; on
 * failure it stays, with one more attempt and the new error.
 */
import { TuskError } from '../../errors.js';
import { toEventJson, type EventJson } from '../../engine/toEventJson.js';
import type { Runtime } from '../../runtime/Runtime.js';
import { toDeliveryError } from '../DeliveryError.js';
import type { Publisher } from '../Publisher.js';
import type { PublisherMetrics } from '../PublisherMetrics.js';
import { deleteDeadLetter } from './sql/deleteDeadLetter.js';
import { getDeadLetter } from './sql/getDeadLetter.js';
import { recordRetryFailure } from './sql/recordRetryFailure.js';

/** The outcome of a successful retry. */
export interface RetryResult {
  id: number;
  relay: string;
  delivered: true;
  event: EventJson;
}

/** Retries dead letter `id` with the publishers of this process. */
export async function retryDeadLetter(runtime: Runtime, publishers: ReadonlyMap<string, Publisher>, id: number, metrics?: PublisherMetrics): Promise<RetryResult> {
  const { store } = runtime;
  const letter = await getDeadLetter(store, store.tables, id);
  if (letter === undefined) throw new TuskError('DEAD_LETTER_NOT_FOUND', `no dead letter ${id}`);
  const publisher = publishers.get(letter.relay);
  if (publisher === undefined) {
    throw new TuskError('RELAY_NOT_CONFIGURED', `dead letter ${id} belongs to relay '${letter.relay}', which this app no longer configures`, {
      details: { relay: letter.relay, relays: [...publishers.keys()] },
    });
  }
  if (letter.event === undefined) throw new TuskError('PUBLISH_FAILED', `the event of dead letter ${id} (position ${letter.position}) is no longer in the log`);
  let event: EventJson;
  try {
    event = toEventJson(runtime.upcaster(letter.event));
    await publisher.deliver([event]);
  } catch (err) {
    const failure = toDeliveryError(err, 0, false);
    await recordRetryFailure(store, store.tables, id, failure.message);
    throw new TuskError('PUBLISH_FAILED', `dead letter ${id} could not be delivered: ${failure.message}`, { details: { id, relay: letter.relay }, cause: err });
  }
  await deleteDeadLetter(store, store.tables, id);
  metrics?.delivered.inc({ relay: letter.relay });
  return { id, relay: letter.relay, delivered: true, event };
}
