/**
 * The one upcasting seam: every event the engine or the HTTP API reads passes through an
 * Upcaster, which brings its data to the newest schema version (SPEC §6). The runtime holds
 * one; until migrations are configured it is the identity.
 */
import type { StoredEvent } from '../store/EventStore.js';

/** Brings a stored event to its newest schema version (pure, compiled once at startup). */
export interface Upcaster {
  (event: StoredEvent): StoredEvent;
  /** Changes whenever the chains change, so snapshots taken under other chains are ignored. */
  readonly fingerprint: string;
  /** The schema version new events of `type` are written at (undefined: not known here). */
  readonly newestVersion?: (type: string) => number | undefined;
}

/** The upcaster used when no migrations are configured. */
export const identityUpcaster: Upcaster = Object.assign((event: StoredEvent) => event, { fingerprint: 'identity' });
