/**
 * Push wake-ups across processes: two `tusk-es serve` on one PostgreSQL, an async projection
 * that polls only once a minute. A command appended in the process that does NOT run the
 * projection is applied by the other within seconds: PostgreSQL LISTEN/NOTIFY woke it, not
 * its poll.
 */
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createTestDatabase } from '../support/postgres.js';
import { accountsApp, api, projectionOwner, startFleet, type Fleet } from '../support/fleet.js';

let fleet: Fleet;

beforeAll(async () => {
  fleet = await startFleet(accountsApp(await createTestDatabase(inject('pgUrl')), '60s'), 2);
});
afterAll(async () => {
  await fleet?.stop();
});

describe('push wake-ups (LISTEN/NOTIFY)', () => {
  it("another process's append wakes the projection at once, long before its one-minute poll", async () => {
    const { owner, other } = await projectionOwner(fleet.servers, 'accounts');
    // the owner has polled once at start; its next poll is a minute away
    for (let i = 0; i < 3; i++) {
      const cmd = await api(other, 'POST', '/aggregates/account/commands/Open', { owner: `o${i}` });
      expect(cmd.status).toBe(200);
      const id = cmd.body.aggregate_id as string;
      const started = Date.now();
      let row = await api(owner, 'GET', `/projections/accounts/${id}`);
      while (row.status === 404 && Date.now() - started < 15_000) {
        await new Promise((r) => setTimeout(r, 50));
        row = await api(owner, 'GET', `/projections/accounts/${id}`);
      }
      expect(row).toMatchObject({ status: 200, body: { id, owner: `o${i}` } });
    }
  });
});
