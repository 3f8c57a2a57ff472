/**
 * The SqlClient of a conjoined store (issue 20): every statement runs in a transaction whose
 * `tusk.tenant` setting is the tenant of the work in progress (src/tenancy/tenantScope.ts), set
 * with a bound value (set_config(…, true): it ends with the transaction, so a pooled connection
 * never carries it to the next caller). Row-level security (rowSecurity.ts) then shows and
 * accepts that tenant's rows only, whatever the SQL says. Inside a transaction the setting
 * follows the caller: a statement made under another tenant (a consumer's batch of one tenant,
 * the framework's checkpoint write as the system) sets it again first.
 */
import type { QueryResult, SqlExecutor } from './EventStore.js';
import type { SqlClient, TransactionOptions } from './SqlClient.js';
import { currentTenant, SYSTEM_TENANT } from '../tenancy/tenantScope.js';

const SET_TENANT = `SELECT set_config('tusk.tenant', $1, true)`;
/** The system's setting as a prelude (a constant: preludes take no bound values). */
const SYSTEM_PRELUDE = `SELECT set_config('tusk.tenant', '${SYSTEM_TENANT}', true)`;

type ArraysExecutor = SqlExecutor & Partial<Pick<SqlClient, 'queryArrays'>>;

/** `client` with every statement scoped to the current tenant. */
export function tenantScopedClient(client: SqlClient): SqlClient {
  /** Runs `fn` in a transaction that starts with the current tenant's setting. */
  const scoped = <T>(fn: (tx: ScopedExecutor) => Promise<T>, options: TransactionOptions = {}): Promise<T> => {
    const tenant = currentTenant();
    // The system's setting rides with BEGIN when the caller has no prelude of its own.
    const preset = tenant === SYSTEM_TENANT && options.prelude === undefined;
    return client.transaction(
      async (tx) => {
        const executor = new ScopedExecutor(tx, preset ? SYSTEM_TENANT : undefined);
        return fn(executor);
      },
      preset ? { prelude: SYSTEM_PRELUDE } : options,
    );
  };
  return {
    kind: client.kind,
    ...(client.listen === undefined ? {} : { listen: client.listen.bind(client) }),
    ...(client.poolStats === undefined ? {} : { poolStats: client.poolStats.bind(client) }),
    query: <R>(sql: string, params?: readonly unknown[]) => scoped((tx) => tx.query<R>(sql, params)),
    queryArrays: <R extends unknown[]>(sql: string, params?: readonly unknown[]) => scoped((tx) => tx.queryArrays<R>(sql, params)),
    transaction: (fn, options) => scoped(fn, options),
    close: () => client.close(),
  };
}

/**
 * A transaction's executor that sets `tusk.tenant` whenever the caller's tenant differs from the
 * last one set. Statements run one after another (as the connection runs them anyway), so a
 * setting and the statement it is for are never split by another caller's statement.
 */
class ScopedExecutor implements SqlExecutor {
  private last: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly tx: ArraysExecutor,
    private current: string | undefined,
  ) {}

  query<R = Record<string, unknown>>(sql: string, params?: readonly unknown[]): Promise<QueryResult<R>> {
    return this.serial(currentTenant(), () => this.tx.query<R>(sql, params));
  }

  queryArrays<R extends unknown[]>(sql: string, params?: readonly unknown[]): Promise<R[]> {
    const arrays = this.tx.queryArrays;
    if (arrays === undefined) return Promise.reject(new Error('the driver cannot read rows as arrays in a transaction'));
    return this.serial(currentTenant(), () => arrays<R>(sql, params));
  }

  private serial<T>(tenant: string, run: () => Promise<T>): Promise<T> {
    const next = this.last.then(
      () => this.scoped(tenant, run),
      () => this.scoped(tenant, run),
    );
    this.last = next.catch(() => undefined);
    return next;
  }

  private async scoped<T>(tenant: string, run: () => Promise<T>): Promise<T> {
    if (tenant !== this.current) {
      await this.tx.query(SET_TENANT, [tenant]);
      this.current = tenant;
    }
    return run();
  }
}
