/**
 * The load and the checks of the tenant-move tests (issue 20 acceptance 3): clients of the
 * moving tenant create orders (each drives the order saga) and rename users through the
 * default app while the tenant moves; afterwards the logs and the answers are compared.
 */
import { expect } from 'vitest';
import { queryOnce } from '../support/postgres.js';

/** One call as the moving tenant (through some server). */
export type TenantCall = (
  method: string,
  path: string,
  body?: unknown,
  headers?: Record<string, string>,
) => Promise<{ status: number; body: any }>;

/** An event of a tenant's log, as read from its database. */
export interface LoggedEvent {
  position: string;
  id: string;
  stream_type: string;
  stream_id: string;
  version: number;
  type: string;
  data: unknown;
}

/** The running load: what it was answered so far. */
export interface MoveLoad {
  /** Every event an answer acknowledged, with the position it gave. */
  acknowledged: { id: string; position: number }[];
  /** The orders created (each must end confirmed by its saga). */
  orders: string[];
  /** Answers other than 200. */
  failures: { status: number; body: any }[];
  sent(): number;
  /** Stops the clients and waits for them. */
  stop(): Promise<void>;
}

/** Creates product `p<c>` (a large stock) for each client `c` through `call`. */
export async function createProducts(call: TenantCall, clients: number): Promise<void> {
  for (let c = 0; c < clients; c++) {
    const product = await call('POST', `/aggregates/product/p${c}/commands/CreateProduct`, {
      sku: `SKU-${c}`,
      name: 'thing',
      price: 3,
      stock: 1_000_000,
    });
    expect(product.status, JSON.stringify(product.body)).toBe(200);
  }
}

/** Starts one client per call: each creates orders of product `p<c>` and renames a user of its own (every third command). */
export function startMoveLoad(calls: readonly TenantCall[]): MoveLoad {
  const load: Omit<MoveLoad, 'stop' | 'sent'> = { acknowledged: [], orders: [], failures: [] };
  let stop = false;
  let sent = 0;
  const client = async (call: TenantCall, c: number) => {
    const user = await call('POST', '/aggregates/user/commands/CreateUser', { email: `c${c}@example.com`, name: 'first' });
    expect(user.status, JSON.stringify(user.body)).toBe(200);
    for (let i = 0; !stop; i++) {
      const order = `o-${c}-${i}`;
      const headers = { 'idempotency-key': `${c}-${i}` };
      const res =
        i % 3 === 2
          ? await call('POST', `/aggregates/user/${user.body.aggregate_id}/commands/UpdateUser`, { name: `n${i}` }, headers)
          : await call(
              'POST',
              `/aggregates/order/${order}/commands/CreateOrder`,
              { customer_id: user.body.aggregate_id, product_id: `p${c}`, quantity: 1, unit_price: 3 },
              headers,
            );
      sent++;
      if (res.status !== 200) {
        load.failures.push(res);
        continue;
      }
      if (i % 3 !== 2) load.orders.push(order);
      for (const e of res.body.events as { id: string; position: number }[]) load.acknowledged.push({ id: e.id, position: e.position });
    }
  };
  const running = Promise.all(calls.map((call, c) => client(call, c)));
  return {
    ...load,
    sent: () => sent,
    stop: async () => {
      stop = true;
      await running;
    },
  };
}

/** The whole log of the tenant's database `location` on the server at `serverUrl`, in position order. */
export async function logOf(serverUrl: string, location: string): Promise<LoggedEvent[]> {
  const url = new URL(serverUrl);
  url.pathname = `/${location}`;
  return queryOnce<LoggedEvent>(
    url.toString(),
    'SELECT position::text, id::text, stream_type, stream_id, version, type, data FROM events ORDER BY events.position',
  );
}

/**
 * The checks after a move: `source` (the old place's log) is a prefix of `target` event for
 * event and `target` is longer; nothing is in `target` twice; positions strictly increase;
 * every acknowledged event is in `target` at the position its answer gave; each order's saga
 * reserved stock once.
 */
export function expectLedger(source: readonly LoggedEvent[], target: readonly LoggedEvent[], load: MoveLoad): void {
  const differs = source.findIndex((e, i) => JSON.stringify(e) !== JSON.stringify(target[i]));
  expect(
    differs,
    `first difference at ${differs}: ${JSON.stringify([source[differs], target[differs], source.length, target.length])}`,
  ).toBe(-1);
  expect(target.length).toBeGreaterThan(source.length);
  expect(new Set(target.map((e) => e.id)).size).toBe(target.length);
  expect(new Set(target.map((e) => `${e.stream_type}/${e.stream_id}/${e.version}`)).size).toBe(target.length);
  for (let i = 1; i < target.length; i++) expect(Number(target[i]!.position)).toBeGreaterThan(Number(target[i - 1]!.position));
  const byId = new Map(target.map((e) => [e.id, Number(e.position)]));
  expect(load.acknowledged.filter((e) => byId.get(e.id) !== e.position)).toEqual([]);
  const reservations = target.filter((e) => e.type === 'StockReserved').map((e) => (e.data as { order_id: string }).order_id);
  expect(new Set(reservations).size).toBe(reservations.length);
  expect(new Set(reservations)).toEqual(new Set(load.orders));
}
