/** The random id of an event store, made by store schema migration 2 (see stateKey). */
import type { EventStore } from '../store/EventStore.js';

/** Reads the store's identity. */
export async function readStoreIdentity(store: EventStore): Promise<string> {
  const { rows } = await store.query<{ id: string }>(`SELECT id FROM ${store.tables.table('store_identity')}`);
  const id = rows[0]?.id;
  if (id === undefined) throw new Error('the event store has no identity row (store schema migration 2)');
  return id;
}
