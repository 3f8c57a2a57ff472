/**
 * The NOTIFY that wakes other processes' consumers (AppendSignal) goes out with the append's
 * own statement (issue 21): a batch written at once costs that one statement and one commit,
 * not a `SELECT pg_notify` (and a commit, a WAL flush) after it; another store still hears it.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { runMigrations } from '../../src/store/migrations/runMigrations.js';
import { createPgClient } from '../../src/store/pgClient.js';
import { SqlEventStore } from '../../src/store/SqlEventStore.js';
import { storeTables } from '../../src/store/tables.js';
import { countingClient } from '../support/countingClient.js';
import { createTestDatabase } from '../support/postgres.js';

const closers: (() => Promise<void>)[] = [];
afterAll(async () => {
  for (const close of closers.splice(0).reverse()) await close();
});

describe('the append signal on PostgreSQL', () => {
  it('is sent by the append statement itself, and another store hears it', async () => {
    const url = await createTestDatabase(inject('pgUrl'));
    const tables = storeTables('public', '');
    let statements: string[] = [];
    const client = countingClient(createPgClient({ connectionString: url, poolSize: 4 }), () => statements);
    await runMigrations(client, tables);
    const writer = new SqlEventStore(client, tables);
    closers.push(() => writer.close());
    const other = new SqlEventStore(createPgClient({ connectionString: url, poolSize: 2 }), tables);
    closers.push(() => other.close());
    // The writer sends notifications only while it has listeners of its own (a process with consumers).
    writer.onRemoteAppends(() => undefined);
    let heard = 0;
    other.onRemoteAppends(() => heard++);
    statements = [];

    const append = (i: number) =>
      writer.append({
        streamType: 'thing',
        streamId: `t${i}`,
        expectedVersion: 'no_stream',
        events: [{ id: randomUUID(), type: 'Made', eventVersion: 1, data: { i }, metadata: {}, timestamp: new Date() }],
      });
    // The other store's LISTEN connects in the background: append until it has heard one. (The
    // first batch of a store also learns the log epoch: it is written in a transaction.)
    let appends = 0;
    const deadline = Date.now() + 60_000;
    while (heard === 0) {
      if (Date.now() > deadline) throw new Error('the other store never heard an append');
      await append(appends++);
      const until = Date.now() + 1000;
      while (heard === 0 && Date.now() < until) await new Promise((r) => setTimeout(r, 20));
    }
    statements = [];
    const before = heard;
    for (let i = 0; i < 5; i++) await append(appends++);
    const sent = statements.filter((s) => !s.startsWith('SELECT hashtextextended'));
    // no statement of its own: the append statement sends it (it names pg_notify inside)
    expect(sent.filter((s) => s.startsWith('SELECT pg_notify'))).toEqual([]);
    expect(sent.every((s) => s.includes('pg_notify('))).toBe(true);
    // one statement per append: the events and the notification together
    expect(sent).toHaveLength(5);
    expect(sent.every((s) => s.startsWith('WITH lock AS MATERIALIZED'))).toBe(true);
    // and the other store hears each of them
    while (heard < before + 5) {
      if (Date.now() > deadline) throw new Error(`the other store heard ${heard - before} of 5 appends`);
      await new Promise((r) => setTimeout(r, 20));
    }
  });
});
