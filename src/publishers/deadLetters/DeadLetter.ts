/** A dead letter: an event a relay gave up on, with why and how often it tried. */
import type { StoredEvent, StoreTables } from '../../store/EventStore.js';
import { EVENT_COLUMNS, toStoredEvent, type EventRow } from '../../store/eventRow.js';

/** One row of the dead-letter table, with its event when it is still in the log. */
export interface DeadLetter {
  id: number;
  relay: string;
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
  'd.id AS dl_id, d.relay AS dl_relay, d.position AS dl_position, d.event_id AS dl_event_id, d.event_type AS dl_event_type',
  'd.stream_type AS dl_stream_type, d.stream_id AS dl_stream_id, d.attempts AS dl_attempts, d.error AS dl_error, d.failed_at AS dl_failed_at',
  ...EVENT_COLUMNS.split(', ').map((c) => `e.${c}`),
].join(', ');

/** A row selected with DEAD_LETTER_COLUMNS. */
export type DeadLetterRow = { [K in keyof EventRow]: EventRow[K] | null } & {
  dl_id: number | string;
  dl_relay: string;
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
    relay: row.dl_relay,
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
