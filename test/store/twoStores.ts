/** Two stores on one PostgreSQL schema: two processes of one app, for the tests of what one sees of the other's writes. */
import { randomUUID } from 'node:crypto';
import { appSchema } from '../../src/config/schema/index.js';
import type { EventStore } from '../../src/store/EventStore.js';
import { openEventStore } from '../../src/store/index.js';

/** Runs `work` with two stores on a fresh schema of database `url` (`extra`: more `event_store` keys); closes both after. */
export async function withTwoStores(
  url: string,
  extra: Record<string, unknown>,
  work: (a: EventStore, b: EventStore) => Promise<void>,
): Promise<void> {
  const schema = `e_${randomUUID().slice(0, 8)}`;
  const open = () =>
    openEventStore(appSchema.parse({ event_store: { type: 'postgresql', connection: url, schema, ...extra } }).event_store);
  const a = await open();
  let b: EventStore | undefined;
  try {
    b = await open();
    await work(a, b);
  } finally {
    await a.close();
    await b?.close();
  }
}
