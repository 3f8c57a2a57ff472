/**
 * The tenant -> shard map (issue 20): one row per tenant of tenancy mode "schema" or
 * "database", in the control database's `tenant_shards` table (schema migration 14): its
 * shard, its schema or database name there, and a state: 'active' serves requests; a move sets
 * 'copying' while it copies (requests go on) and 'moving' for its switch (every front of a
 * fleet holds the tenant's requests and closes its runtime, src/tenancy/shards/shardRouter.ts).
 */
import type { EventStore, SqlExecutor } from '../../store/EventStore.js';
import type { TenantLocation } from './shardPlan.js';

/** A tenant's state in the map: 'active', 'copying', 'moving', or another word a tenant operation uses. */
export type PlacementState = 'active' | 'copying' | 'moving' | (string & {});

/** One row of the map. */
export interface Placement extends TenantLocation {
  tenant: string;
  state: PlacementState;
  updated_at: string;
}

interface Row {
  tenant: string;
  shard: string;
  location: string;
  state: string;
  updated_at: Date | string;
}

const COLUMNS = 'tenant, shard, location, state, updated_at';

function toPlacement(row: Row): Placement {
  const at = row.updated_at instanceof Date ? row.updated_at : new Date(row.updated_at);
  return { tenant: row.tenant, shard: row.shard, location: row.location, state: row.state, updated_at: at.toISOString() };
}

/** Reads and writes the map over the control store (values bound, the table name quoted by the store). */
export class ShardMap {
  private readonly table: string;

  constructor(private readonly control: EventStore) {
    this.table = control.tables.table('tenant_shards');
  }

  /** Where `tenant` lives, or undefined when it has no place yet. */
  async get(tenant: string): Promise<Placement | undefined> {
    const { rows } = await this.control.query<Row>(`SELECT ${COLUMNS} FROM ${this.table} WHERE tenant = $1`, [tenant]);
    return rows[0] === undefined ? undefined : toPlacement(rows[0]);
  }

  /** The places of `tenants` (those that have one), by tenant. */
  async getMany(tenants: readonly string[]): Promise<Map<string, Placement>> {
    const { rows } = await this.control.query<Row>(`SELECT ${COLUMNS} FROM ${this.table} WHERE tenant = ANY($1::text[])`, [tenants]);
    return new Map(rows.map((r) => [r.tenant, toPlacement(r)]));
  }

  /** Every placement, by tenant. */
  async list(): Promise<Placement[]> {
    const { rows } = await this.control.query<Row>(`SELECT ${COLUMNS} FROM ${this.table} ORDER BY tenant`);
    return rows.map(toPlacement);
  }

  /** How many tenants each shard holds (shards without any are absent). */
  async counts(): Promise<Map<string, number>> {
    const { rows } = await this.control.query<{ shard: string; n: number }>(
      `SELECT shard, count(*)::int AS n FROM ${this.table} GROUP BY shard`,
    );
    return new Map(rows.map((r) => [r.shard, Number(r.n)]));
  }

  /** Records `tenant` at `at` unless it has a place already; resolves to its place either way (the first writer wins). */
  async insert(tenant: string, at: TenantLocation): Promise<Placement> {
    const { rows } = await this.control.query<Row>(
      `INSERT INTO ${this.table} (tenant, shard, location) VALUES ($1, $2, $3) ON CONFLICT (tenant) DO NOTHING RETURNING ${COLUMNS}`,
      [tenant, at.shard, at.location],
    );
    return rows[0] !== undefined ? toPlacement(rows[0]) : (await this.get(tenant))!;
  }

  /** Sets where `tenant` lives and its state (a move's switch; in `db`, a transaction of the control store); creates the row when missing. */
  async set(tenant: string, at: TenantLocation, state: PlacementState = 'active', db: SqlExecutor = this.control): Promise<Placement> {
    const { rows } = await db.query<Row>(
      `INSERT INTO ${this.table} (tenant, shard, location, state) VALUES ($1, $2, $3, $4)
       ON CONFLICT (tenant) DO UPDATE SET shard = EXCLUDED.shard, location = EXCLUDED.location, state = EXCLUDED.state, updated_at = now()
       RETURNING ${COLUMNS}`,
      [tenant, at.shard, at.location, state],
    );
    return toPlacement(rows[0]!);
  }

  /** Sets the state of `tenant` to `to` if it is `from` now; resolves to its row then, else undefined (someone else changed it). */
  async transition(tenant: string, from: PlacementState, to: PlacementState): Promise<Placement | undefined> {
    const { rows } = await this.control.query<Row>(
      `UPDATE ${this.table} SET state = $3, updated_at = now() WHERE tenant = $1 AND state = $2 RETURNING ${COLUMNS}`,
      [tenant, from, to],
    );
    return rows[0] === undefined ? undefined : toPlacement(rows[0]);
  }

  /** Sets the state of `tenant` (undefined when it has no place; in `db`, a transaction of the control store). */
  async setState(tenant: string, state: PlacementState, db: SqlExecutor = this.control): Promise<Placement | undefined> {
    const { rows } = await db.query<Row>(`UPDATE ${this.table} SET state = $2, updated_at = now() WHERE tenant = $1 RETURNING ${COLUMNS}`, [
      tenant,
      state,
    ]);
    return rows[0] === undefined ? undefined : toPlacement(rows[0]);
  }
}
