/**
 * Inline projections on PostgreSQL: a command whose event the table refuses fails with 422
 * PROJECTION_FAILED and writes nothing, while the commands committed in the same group commit
 * succeed; a table gains the columns a new config adds and keeps the ones it drops.
 */
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createTestDatabase } from '../support/postgres.js';
import { startTestApp } from '../http/helpers.js';
import { modelOf } from './helpers.js';

const app = (url: string, fields: string) => `
event_store = { type = "postgresql", connection = "${url}" }
aggregates = {
    payment = {
        commands = {
            Pay = { creates = true, input = { amount = "any", note = "string?" }, emits = "Paid" }
        }
    }
}
projections = {
    payments = {
        table = "payments"
        events = ["Paid"]
        columns = { id = "text primary key", amount = "numeric", note = "text", paid_at = "timestamptz" }
        mapping = { Paid = { action = "insert", fields = { ${fields} } } }
    }
}
`;

let url: string;
let db: pg.Client;
beforeAll(async () => {
  url = await createTestDatabase(inject('pgUrl'));
  db = new pg.Client({ connectionString: url });
  await db.connect();
});
afterAll(() => db?.end());

describe('inline projections', () => {
  it('fail only the command whose event the table refuses, and nothing of it is written', async () => {
    const server = await startTestApp(await modelOf(app(url, 'amount = "data.amount"')));
    try {
      const results = await Promise.all(
        Array.from({ length: 40 }, (_, i) =>
          server.api('POST', `/aggregates/payment/p${i}/commands/Pay`, { amount: i === 17 ? 'lots' : i }),
        ),
      );
      const failed = results.flatMap((r, i) => (r.status === 200 ? [] : [[i, r.status, r.body.error.code]]));
      expect(failed).toEqual([[17, 422, 'PROJECTION_FAILED']]);
      expect(results[17]!.body.error.message).toMatch(/^projection payments cannot apply Paid/);
      expect((await server.api('GET', '/aggregates/payment/p17')).status).toBe(404);
      const rows = (await db.query('SELECT id, amount::float8 AS amount FROM payments ORDER BY amount')).rows;
      expect(rows).toHaveLength(39);
      expect(rows.map((r) => r.id)).not.toContain('p17');
      expect((await db.query(`SELECT count(*)::int AS n FROM events WHERE stream_id = 'p17'`)).rows[0].n).toBe(0);
    } finally {
      await server.close();
    }
  });

  it('adds the columns a new config writes and never drops one', async () => {
    const v2 = await startTestApp(
      await modelOf(
        app(url, 'amount = "data.amount", note = "data.note", paid_at = "timestamp"').replace(
          'amount = "numeric", note = "text"',
          'amount = "numeric", note = "text", extra = "jsonb"',
        ),
      ),
    );
    try {
      expect((await v2.api('POST', '/aggregates/payment/q1/commands/Pay', { amount: 5, note: 'hi' })).status).toBe(200);
      expect((await v2.api('GET', '/projections/payments/q1')).body).toMatchObject({ amount: 5, note: 'hi', extra: null });
      expect((await v2.api('GET', '/projections/payments/p3')).body).toMatchObject({ amount: 3, note: null, extra: null });
    } finally {
      await v2.close();
    }
    const v3 = await startTestApp(await modelOf(app(url, 'amount = "data.amount"')));
    try {
      expect((await v3.api('POST', '/aggregates/payment/q2/commands/Pay', { amount: 6, note: 'unused' })).status).toBe(200);
      const columns = (
        await db.query(`SELECT column_name FROM information_schema.columns WHERE table_name = 'payments' ORDER BY ordinal_position`)
      ).rows.map((r) => r.column_name);
      expect(columns).toEqual(['id', 'amount', 'note', 'paid_at', 'extra']);
      expect((await db.query(`SELECT note FROM payments WHERE id = 'q1'`)).rows[0].note).toBe('hi');
    } finally {
      await v3.close();
    }
  });

  it('is built once from the log when two processes start together', async () => {
    const fresh = await createTestDatabase(inject('pgUrl'));
    const without = await startTestApp(await modelOf(app(fresh, 'amount = "data.amount"').replace(/projections = \{[\s\S]*$/, '')));
    for (let i = 0; i < 300; i++)
      expect((await without.api('POST', `/aggregates/payment/c${i}/commands/Pay`, { amount: i })).status).toBe(200);
    await without.close();
    const model = await modelOf(app(fresh, 'amount = "data.amount"'));
    const [a, b] = await Promise.all([startTestApp(model), startTestApp(model)]);
    try {
      for (const server of [a, b]) {
        const rows = (await server.api('GET', '/projections/payments?limit=1000')).body.rows;
        expect(rows).toHaveLength(300);
      }
      expect((await a.api('GET', '/projections/payments/c299')).body).toMatchObject({ amount: 299 });
    } finally {
      await a.close();
      await b.close();
    }
  });
});
