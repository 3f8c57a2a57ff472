/**
 * Acceptance 4 of issue 3: SIGKILL in the middle of a command load on PostgreSQL.
 *
 * What "loses no acknowledged event and leaves none that was not" means precisely here:
 * - every command that got a 200 has all of its events in the store;
 * - every event in the store belongs to a command that was sent and whose answer was either
 *   a 200 or lost with the connection (in flight when the server died: it may have committed
 *   just before the kill; the client could not know, and an idempotency key would make its
 *   retry safe). No stored event belongs to a command that was answered with an error;
 * - no command appears twice, and a command's events are never partially stored: the command
 *   used emits two events, and the store holds them as complete adjacent pairs.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { appSchema } from '../../src/config/schema/index.js';
import { openEventStore } from '../../src/store/index.js';
import { createTestDatabase } from '../support/postgres.js';
import { startServer } from '../support/server.js';

const STREAMS = 4;
const CLIENTS = 6;
const KILL_AFTER_ACKS = 120;

const dir = mkdtempSync(join(tmpdir(), 'tusk-crash-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const app = (url: string) => `
event_store {
    type = "postgresql"
    connection = "${url}"
}
aggregates {
    ledger = {
        state = { transfers = 0 }
        commands = {
            Open = { creates = true, emits = "LedgerOpened" }
            Transfer = {
                input = { tx = "string" }
                emit = [
                    { type = "Debited", data = { tx = "input.tx" } },
                    { type = "Credited", data = { tx = "input.tx" } }
                ]
            }
        }
        apply = {
            Credited = { transfers = "transfers + 1" }
        }
    }
}
`;

describe('SIGKILL during a command load', () => {
  it('keeps every acknowledged command, and stores only whole commands that were sent', async () => {
    const url = await createTestDatabase(inject('pgUrl'));
    writeFileSync(join(dir, 'app.tsk'), app(url));
    const server = await startServer('app.tsk', { cwd: dir });
    const post = (path: string, body: unknown) =>
      fetch(`${server.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    for (let s = 0; s < STREAMS; s++) expect((await post(`/aggregates/ledger/s${s}/commands/Open`, {})).status).toBe(200);

    const acked = new Set<string>();
    const lost = new Set<string>();
    const rejected = new Set<string>();
    const clients = Array.from({ length: CLIENTS }, async (_, c) => {
      for (let i = 0; ; i++) {
        const tx = `c${c}-${i}`;
        try {
          const res = await post(`/aggregates/ledger/s${i % STREAMS}/commands/Transfer`, { tx });
          if (res.status === 200) acked.add(tx);
          else rejected.add(tx);
          await res.arrayBuffer().catch(() => undefined);
        } catch {
          lost.add(tx); // connection refused/reset: the answer never came
          return;
        }
      }
    });
    while (acked.size < KILL_AFTER_ACKS) await new Promise((r) => setTimeout(r, 5));
    await server.kill();
    await Promise.all(clients);
    expect(acked.size).toBeGreaterThanOrEqual(KILL_AFTER_ACKS);

    const store = await openEventStore(appSchema.parse({ event_store: { type: 'postgresql', connection: url } }).event_store);
    try {
      const pairs = new Map<string, number>();
      for (let s = 0; s < STREAMS; s++) {
        const events = await store.readStream('ledger', `s${s}`, {});
        expect(events.map((e) => e.version)).toEqual(events.map((_, i) => i + 1));
        expect(events[0]!.type).toBe('LedgerOpened');
        const rest = events.slice(1);
        expect(rest.length % 2).toBe(0);
        for (let i = 0; i < rest.length; i += 2) {
          const [debit, credit] = [rest[i]!, rest[i + 1]!];
          expect([debit.type, credit.type]).toEqual(['Debited', 'Credited']);
          const tx = (debit.data as { tx: string }).tx;
          expect((credit.data as { tx: string }).tx).toBe(tx);
          pairs.set(tx, (pairs.get(tx) ?? 0) + 1);
        }
      }
      for (const [tx, count] of pairs) {
        expect(count, `${tx} stored once`).toBe(1);
        expect(acked.has(tx) || lost.has(tx), `${tx} was acknowledged or in flight`).toBe(true);
      }
      for (const tx of acked) expect(pairs.has(tx), `acknowledged ${tx} is stored`).toBe(true);
      for (const tx of rejected) expect(pairs.has(tx), `rejected ${tx} is not stored`).toBe(false);
      // At most one command per client can have been in flight when the server died.
      expect(lost.size).toBeLessThanOrEqual(CLIENTS);
    } finally {
      await store.close();
    }
  });
});
