/**
 * Read-your-writes across processes: two `tusk-es serve` on one PostgreSQL, an async
 * projection applied by whichever process holds its lease, polling slowly for the other's
 * appends. A command sent to the process that does NOT apply the projection, then a read on
 * that same process with `min_position` = the command's position, sees the write; a position
 * the projection cannot reach in `wait` is a 504 PROJECTION_BEHIND with the checkpoint.
 */
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createTestDatabase } from '../support/postgres.js';
import { accountsApp, api, projectionOwner, startFleet, type Fleet } from '../support/fleet.js';

const INLINE = `    accounts_inline = {
        table = "accounts_inline"
        events = ["Opened"]
        mapping = { Opened = { action = "insert", fields = { id = "aggregate_id", owner = "data.owner" } } }
    }
`;

let fleet: Fleet;

beforeAll(async () => {
  fleet = await startFleet(accountsApp(await createTestDatabase(inject('pgUrl')), '4s', INLINE), 2);
});
afterAll(async () => {
  await fleet?.stop();
});

describe('read your writes (min_position)', () => {
  it('a read with min_position on a process that does not apply the projection sees the write; past wait it is a 504', async () => {
    const { other } = await projectionOwner(fleet.servers, 'accounts');

    for (let i = 0; i < 3; i++) {
      const cmd = await api(other, 'POST', '/aggregates/account/commands/Open', { owner: `o${i}` });
      expect(cmd.status).toBe(200);
      const id = cmd.body.aggregate_id as string;
      const position = cmd.body.position as number;
      // the owner applies this append a moment later (a notification or its poll): the read waits for it
      const row = await api(other, 'GET', `/projections/accounts/${id}?min_position=${position}&wait=20000`);
      expect(row).toMatchObject({ status: 200, body: { id, owner: `o${i}` } });
      const page = await api(other, 'GET', `/projections/accounts?min_position=${position}&owner=o${i}`);
      expect(page.body.rows).toEqual([{ id, owner: `o${i}` }]);
      // inline: at once
      expect(await api(other, 'GET', `/projections/accounts_inline/${id}?min_position=${position}&wait=0`)).toMatchObject({
        status: 200,
        body: { id },
      });
    }

    const started = Date.now();
    const behind = await api(other, 'GET', '/projections/accounts?min_position=999999999&wait=300');
    expect(Date.now() - started).toBeGreaterThanOrEqual(300);
    expect(behind.status).toBe(504);
    expect(behind.body.error).toMatchObject({ code: 'PROJECTION_BEHIND', details: { projection: 'accounts', min_position: 999999999 } });
    expect(behind.body.error.details.checkpoint).toBeGreaterThan(0);
    expect((await api(other, 'GET', '/projections/accounts?min_position=x')).status).toBe(400);
  });
});
