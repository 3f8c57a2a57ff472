/**
 * A dead letter: an event a consumer of the log did not handle, with why and how often it
 * tried. One table for every consumer (publishers, projections, saga triggers); the event stays
 * in the log, and a retry reads it again by position.
 */
import type { StoredEvent, StoreTables } from '../../store/EventStore.js';
import { EVENT_COLUMNS, toStoredEvent, type EventRow } from '../../store/eventRow.js';

/**
 * What the consumer did with the event: `skipped` it (moved on), `parked` it (its stream is
 * held back for that consumer until a retry), or `held` it back behind a parked event of its stream.
 */
export type DeadLetterStatus = 'skipped' | 'parked' | 'held';

/** One row of the dead-letter table, with its event when it is still in the log. */
export interface DeadLetter {
  id: number;
  /** The consumer's name (`publisher:<relay>`, `projection:<name>`, `saga-trigger:<saga>`). */
  consumer: string;
  status: DeadLetterStatus;
  position: number;
  eventId: string;
  eventType: string;
  aggregateType: string;
  aggregateId: string;
  attempts: number;
  error: string;
  failedAt: Date;
  event: StoredEvent | undefined;
}

/** The quoted table name. */
export function deadLetterTable(t: StoreTables): string {
  return t.table('dead_letters');
}

/** The select list of a dead letter joined (LEFT JOIN … e) with its event. */
export const DEAD_LETTER_COLUMNS = [
  'd.id AS dl_id, d.consumer AS dl_consumer, d.status AS dl_status, d.position AS dl_position, d.event_id AS dl_event_id, d.event_type AS dl_event_type',
  'd.stream_type AS dl_stream_type, d.stream_id AS dl_stream_id, d.attempts AS dl_attempts, d.error AS dl_error, d.failed_at AS dl_failed_at',
  ...EVENT_COLUMNS.split(', ').map((c) => `e.${c}`),
].join(', ');

/** A row selected with DEAD_LETTER_COLUMNS. */
export type DeadLetterRow = { [K in keyof EventRow]: EventRow[K] | null } & {
  dl_id: number | string;
  dl_consumer: string;
  dl_status: DeadLetterStatus;
  dl_position: number | string;
  dl_event_id: string;
  dl_event_type: string;
  dl_stream_type: string;
  dl_stream_id: string;
  dl_attempts: number;
  dl_error: string;
  dl_failed_at: Date | string;
};

/** Maps a joined row. */
export function toDeadLetter(row: DeadLetterRow): DeadLetter {
  return {
    id: Number(row.dl_id),
    consumer: row.dl_consumer,
    status: row.dl_status,
    position: Number(row.dl_position),
    eventId: row.dl_event_id,
    eventType: row.dl_event_type,
    aggregateType: row.dl_stream_type,
    aggregateId: row.dl_stream_id,
    attempts: row.dl_attempts,
    error: row.dl_error,
    failedAt: row.dl_failed_at instanceof Date ? row.dl_failed_at : new Date(row.dl_failed_at),
    event: row.position === null ? undefined : toStoredEvent(row as EventRow),
  };
}

/** The relay of a publisher's consumer name (`publisher:kafka` → `kafka`), else undefined. */
export function relayOf(consumer: string): string | undefined {
  return consumer.startsWith('publisher:') ? consumer.slice('publisher:'.length) : undefined;
}
