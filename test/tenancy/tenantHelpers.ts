/** What the tenancy tests share: HS256 tokens of a tenant, and direct SQL as the system. */
import { readFileSync } from 'node:fs';
import { SignJWT } from 'jose';
import pg from 'pg';

/** A signed HS256 token of `tenant` with `scope`, valid for an hour. */
export function tenantToken(secret: string, tenant: string, scope = '*'): Promise<string> {
  return new SignJWT({ tenant, scope })
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject(`someone-of-${tenant}`)
    .setExpirationTime('1h')
    .sign(new TextEncoder().encode(secret));
}

/** Rows of `sql` on `url`, as the system (tusk.tenant = '*': row-level security lets it see every tenant). */
export async function asSystem<R>(url: string, sql: string, params: unknown[] = []): Promise<R[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query('BEGIN');
    await client.query(`SELECT set_config('tusk.tenant', '*', true)`);
    const { rows } = await client.query(sql, params);
    await client.query('COMMIT');
    return rows as R[];
  } finally {
    await client.end();
  }
}

/**
 * The default app (config/app.tsk: users with a unique email and an inline projection, products,
 * orders with an async projection, and the order saga) on `eventStore` (an `event_store = …`
 * line), with JWTs of `secret` naming their tenant (and static operator `tokens`), snapshots
 * every 2 events and consumers polling every 50 ms.
 */
export function shopApp(eventStore: string, secret: string, tokens: readonly string[] = []): string {
  const statics = tokens.length === 0 ? '' : `tokens = [${tokens.map((x) => `"${x}"`).join(', ')}], `;
  const shop = readFileSync(new URL('../../config/app.tsk', import.meta.url), 'utf8')
    .replace('server = { port = 4000 }', `server = { auth = { ${statics}jwt = { secret = "${secret}", tenant_claim = "tenant" } } }`)
    .replace('table = "orders"', 'table = "orders"\n        mode = "async"')
    .replaceAll(/snapshot_frequency = \d+/g, 'snapshot_frequency = 2');
  if (!shop.includes('tenant_claim') || !shop.includes('mode = "async"'))
    throw new Error('config/app.tsk changed: the test app cannot be derived');
  return `${shop}\n${eventStore}\nprojection_defaults = { poll_interval = "50ms" }\n`;
}

/** The default app (shopApp) on a conjoined PostgreSQL store in `schema` (and static operator `tokens`). */
export function conjoinedShop(url: string, schema: string, secret: string, tokens: readonly string[] = []): string {
  return shopApp(
    `event_store = { type = "postgresql", connection = "${url}", schema = "${schema}", tenancy = { mode = "conjoined" } }`,
    secret,
    tokens,
  );
}

/** Counts of every table of `schema` with a tenant_id column, for `tenant`: { table: rows }. */
export async function tenantRowCounts(url: string, schema: string, tenant: string): Promise<Record<string, number>> {
  const tables = await asSystem<{ table_name: string }>(
    url,
    `SELECT DISTINCT c.table_name FROM information_schema.columns c JOIN information_schema.tables t USING (table_schema, table_name)
      WHERE c.table_schema = $1 AND c.column_name = 'tenant_id' AND t.table_type = 'BASE TABLE' ORDER BY 1`,
    [schema],
  );
  const counts: Record<string, number> = {};
  for (const { table_name } of tables) {
    const [row] = await asSystem<{ n: string }>(
      url,
      `SELECT count(*) AS n FROM ${pg.escapeIdentifier(schema)}.${pg.escapeIdentifier(table_name)} WHERE tenant_id = $1`,
      [tenant],
    );
    counts[table_name] = Number(row!.n);
  }
  return counts;
}
