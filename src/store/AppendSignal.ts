/**
 * Tells the consumers of every process that appends committed. On PostgreSQL, after a batch
 * commits, the store sends `NOTIFY` on a channel derived from its tables, with this store's
 * id as payload; each store LISTENs on it over a connection of its own and tells its
 * listeners about notifications of OTHER stores (this process's own appends reach its
 * consumers through the live bus, with their event types). Notifies are coalesced (at most
 * one in flight, one more queued), so a busy store sends far fewer than it commits batches;
 * and they are only sent while this store has listeners (a process that runs consumers).
 * A lost notification costs a consumer one poll interval, no more: polling stays.
 */
import { createHash, randomUUID } from 'node:crypto';
import type { StoreTables } from './EventStore.js';
import type { SqlClient } from './SqlClient.js';
import type { StoreNotify } from './sql/writeAccepted.js';

/** The notify/listen side of one store. */
export class AppendSignal {
  private readonly id = randomUUID();
  private readonly channel: string;
  private readonly listeners = new Set<() => void>();
  private unlisten: (() => Promise<void>) | undefined;
  private sending: Promise<void> | undefined;
  private again = false;

  constructor(
    private readonly client: SqlClient,
    tables: StoreTables,
  ) {
    this.channel = `tusk_${createHash('sha256').update(tables.events).digest('hex').slice(0, 32)}`;
  }

  /** Calls `listener` when another process's appends committed; returns the unsubscribe. */
  subscribe(listener: () => void): () => void {
    this.listeners.add(listener);
    this.unlisten ??= this.client.listen?.(this.channel, (payload) => {
      if (payload === this.id) return;
      for (const l of this.listeners) l();
    });
    return () => {
      this.listeners.delete(listener);
    };
  }

  /**
   * The NOTIFY a batch's own statement sends with its commit (appendAtOnce), or undefined when
   * none is wanted: that costs no statement and no commit of its own (issue 21), where
   * `committed` sends one after the batch.
   */
  folded(): StoreNotify | undefined {
    return this.unlisten === undefined || this.listeners.size === 0 ? undefined : { channel: this.channel, payload: this.id };
  }

  /** After a batch committed: notifies the other processes (coalesced, in the background). */
  committed(): void {
    if (this.unlisten === undefined || this.listeners.size === 0) return;
    if (this.sending !== undefined) {
      this.again = true;
      return;
    }
    this.sending = this.client
      .query('SELECT pg_notify($1, $2)', [this.channel, this.id])
      .then(
        () => undefined,
        () => undefined, // a lost notification costs the others one poll interval
      )
      .then(() => {
        this.sending = undefined;
        if (!this.again) return;
        this.again = false;
        this.committed();
      });
  }

  /** Stops listening (on close), after the notify in flight. */
  async close(): Promise<void> {
    await this.sending;
    const unlisten = this.unlisten;
    this.unlisten = undefined;
    await unlisten?.();
  }
}
