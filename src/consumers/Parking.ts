/**
 * Parking (on_error = "park" and "skip"): the dead letters a consumer writes, and the streams it
 * holds back. A stream with a parked dead letter is held back for that consumer: its later
 * events are not handed to the handler but recorded as `held` dead letters as the checkpoint
 * passes them, so a retry (deadLetters/retryDeadLetter.ts) can apply the parked event and then
 * them, in order. Other streams go on.
 */
import type { SqlExecutor, StoredEvent } from '../store/EventStore.js';
import type { ConsumerEnv, ConsumerSpec } from './Consumer.js';
import { insertDeadLetter, insertHeld } from './deadLetters/sql/insertDeadLetter.js';
import { parkedStreams, streamKey } from './deadLetters/sql/parkedStreams.js';

/** A batch's events split by whether their stream is held back. */
export interface Held {
  /** Events to hand to the handler. */
  readonly free: readonly StoredEvent[];
  /** Events of parked streams, recorded as held when the checkpoint passes them. */
  readonly events: readonly StoredEvent[];
  /** The parked streams these belong to: stream key → position of the parked event. */
  readonly streams: ReadonlyMap<string, number>;
}

/** The parking of one consumer. */
export class Parking {
  static readonly NONE: Held = { free: [], events: [], streams: new Map() };

  constructor(
    private readonly env: ConsumerEnv,
    private readonly spec: ConsumerSpec,
  ) {}

  /** Splits `events` by the consumer's parked streams (read now). */
  async held(events: readonly StoredEvent[]): Promise<Held> {
    const parked = await parkedStreams(this.env.store, this.env.store.tables, this.spec.name);
    if (parked.size === 0) return { free: events, events: [], streams: parked };
    const free: StoredEvent[] = [];
    const held: StoredEvent[] = [];
    const streams = new Map<string, number>();
    for (const e of events) {
      const at = parked.get(streamKey(e.streamType, e.streamId));
      if (at === undefined || at >= e.position) free.push(e);
      else {
        held.push(e);
        streams.set(streamKey(e.streamType, e.streamId), at);
      }
    }
    return { free, events: held, streams };
  }

  /**
   * In a commit's transaction that moves the checkpoint from `after` to `upTo`: records the held
   * events it passes. False when a stream is no longer parked (a retry released it since the
   * batch was read): the batch is stale and must be read again.
   */
  async holdBack(tx: SqlExecutor, held: Held, after: number, upTo: number): Promise<boolean> {
    const passed = held.events.filter((e) => e.position > after && e.position <= upTo);
    if (passed.length === 0) return true;
    const { store } = this.env;
    const parked = await parkedStreams(tx, store.tables, this.spec.name, true);
    for (const [stream, at] of held.streams) if (parked.get(stream) !== at) return false;
    await insertHeld(tx, store.tables, this.spec.name, passed, (e) => held.streams.get(streamKey(e.streamType, e.streamId))!);
    return true;
  }

  /** The work that records `event` as a dead letter: parked or skipped, per on_error. */
  record(event: StoredEvent, attempts: number, error: string): (tx: SqlExecutor) => Promise<void> {
    const status = this.spec.onError === 'park' ? 'parked' : 'skipped';
    return (tx) => insertDeadLetter(tx, this.env.store.tables, this.spec.name, event, status, attempts, error);
  }

  /** Logs and counts a recorded dead letter. */
  recorded(event: StoredEvent, attempts: number, error: string): void {
    const status = this.spec.onError === 'park' ? 'parked' : 'skipped';
    this.env.metrics?.deadLetters.inc({ consumer: this.spec.name, status });
    this.env.logger.error(
      {
        consumer: this.spec.name,
        position: event.position,
        event_id: event.id,
        stream: `${event.streamType}/${event.streamId}`,
        attempts,
        err: error,
      },
      status === 'parked'
        ? 'event parked: its stream is held back for this consumer until POST /dead-letters/{id}/retry'
        : 'event skipped (dead letter recorded)',
    );
  }
}
