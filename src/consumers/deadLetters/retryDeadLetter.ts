/**
 * `POST /dead-letters/{id}/retry`: hands the event of a dead letter once more to its consumer
 * (src/consumers/poison.ts, Redo), now, late. A parked one releases the events held back behind
 * it too, in log order, so its stream flows again. A projection applies them and removes the
 * dead letters in ONE transaction (nothing is applied twice); a publisher redelivers (at least
 * once), a saga start is idempotent. On failure everything stays, with one more attempt and
 * the new error.
 */
import { toEventJson, type EventJson } from '../../engine/toEventJson.js';
import { isTuskError, TuskError } from '../../errors.js';
import type { Runtime } from '../../runtime/Runtime.js';
import type { StoredEvent } from '../../store/EventStore.js';
import { consumerNamed, consumerNames } from '../consumerRegistry.js';
import { errorText, type Redo } from '../poison.js';
import { relayOf, type DeadLetter } from './DeadLetter.js';
import { listDeadLetters } from './sql/listDeadLetters.js';
import { recordRetryFailure } from './sql/recordRetryFailure.js';
import { deleteDeadLetters, lockForRetry } from './sql/releaseParked.js';

/** The outcome of a successful retry. */
export interface RetryResult {
  id: number;
  consumer: string;
  /** The relay of a publisher's dead letter, else null. */
  relay: string | null;
  delivered: true;
  /** The dead letter's event, as handled (upcast). */
  event: EventJson | null;
  /** Positions of the events handled: the dead letter's, then those it released. */
  released: number[];
}

/** Retries dead letter `id` with the consumers of this process. */
export async function retryDeadLetter(runtime: Runtime, id: number): Promise<RetryResult> {
  const { store } = runtime;
  const letters = await store.transaction((tx) => lockForRetry(tx, store.tables, id));
  if (letters === undefined) throw new TuskError('DEAD_LETTER_NOT_FOUND', `no dead letter ${id}`);
  const letter = letters[0]!;
  if (letter.status === 'held') {
    const [parked] = await listDeadLetters(store, store.tables, {
      consumer: letter.consumer,
      status: 'parked',
      stream: [letter.aggregateType, letter.aggregateId],
      after: 0,
      limit: 1,
    });
    throw new TuskError(
      'DEAD_LETTER_HELD',
      `dead letter ${id} waits behind the parked event of ${letter.aggregateType}/${letter.aggregateId}: retry that one`,
      {
        details: { id, parked: parked?.id ?? null },
      },
    );
  }
  const consumer = consumerNamed(runtime, letter.consumer);
  const redo = consumer?.spec.redo;
  if (consumer === undefined || redo === undefined) {
    const relay = relayOf(letter.consumer);
    throw new TuskError(
      'RELAY_NOT_CONFIGURED',
      `dead letter ${id} belongs to ${relay !== undefined ? `relay '${relay}'` : `consumer '${letter.consumer}'`}, which this app does not run`,
      {
        details: {
          consumer: letter.consumer,
          consumers: consumerNames(runtime).filter((n) => consumerNamed(runtime, n)?.spec.redo !== undefined),
        },
      },
    );
  }
  let released: DeadLetter[];
  try {
    released = redo.transactional ? await inTransaction(runtime, id, redo) : await outside(runtime, id, redo);
  } catch (err) {
    if (isTuskError(err) && err.code === 'DEAD_LETTER_NOT_FOUND') throw err;
    await recordRetryFailure(store, store.tables, id, errorText(err));
    if (isTuskError(err)) throw err;
    throw new TuskError('INTERNAL', `dead letter ${id} could not be handled: ${errorText(err)}`, {
      details: { id, consumer: letter.consumer },
      cause: err,
    });
  }
  consumer.wake();
  const event = released[0]?.event ?? letter.event;
  return {
    id,
    consumer: letter.consumer,
    relay: relayOf(letter.consumer) ?? null,
    delivered: true,
    event: event === undefined ? null : toEventJson(runtime.upcaster(event)),
    released: released.map((l) => l.position),
  };
}

/** The events still in the log of `letters` (one removed since is released without being handled). */
function eventsOf(letters: readonly DeadLetter[]): StoredEvent[] {
  return letters.flatMap((l) => (l.event === undefined ? [] : [l.event]));
}

async function inTransaction(runtime: Runtime, id: number, redo: Extract<Redo, { transactional: true }>): Promise<DeadLetter[]> {
  const { store } = runtime;
  return store.transaction(async (tx) => {
    const letters = await lockForRetry(tx, store.tables, id);
    if (letters === undefined) throw new TuskError('DEAD_LETTER_NOT_FOUND', `no dead letter ${id}`);
    await redo.apply(eventsOf(letters), tx);
    await deleteDeadLetters(
      tx,
      store.tables,
      letters.map((l) => l.id),
    );
    return letters;
  });
}

/** Handles the events outside a transaction, then removes the dead letters unless more were held back meanwhile (then handles those too). */
async function outside(runtime: Runtime, id: number, redo: Extract<Redo, { transactional: false }>): Promise<DeadLetter[]> {
  const { store } = runtime;
  const done = new Map<number, DeadLetter>();
  for (;;) {
    const letters = await store.transaction((tx) => lockForRetry(tx, store.tables, id));
    if (letters === undefined) {
      if (done.size > 0) return [...done.values()];
      throw new TuskError('DEAD_LETTER_NOT_FOUND', `no dead letter ${id}`);
    }
    const todo = letters.filter((l) => !done.has(l.id));
    if (todo.length > 0) {
      await redo.apply(eventsOf(todo));
      for (const l of todo) done.set(l.id, l);
      continue;
    }
    const removed = await store.transaction(async (tx) => {
      const again = await lockForRetry(tx, store.tables, id);
      if (again?.some((l) => !done.has(l.id)) === true) return false;
      if (again !== undefined)
        await deleteDeadLetters(
          tx,
          store.tables,
          again.map((l) => l.id),
        );
      return true;
    });
    if (removed) return [...done.values()];
  }
}
