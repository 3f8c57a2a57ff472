/** Placement of new tenants (issue 20): the policies, the schema/database names, a tenant's store config. */
import { describe, expect, it } from 'vitest';
import { appSchema } from '../../src/config/schema/index.js';
import { chooseShard, locationName } from '../../src/tenancy/shards/placement.js';
import { shardPlan, tenantModel, withDatabase, type ShardPlan } from '../../src/tenancy/shards/shardPlan.js';

const plan = (placement: ShardPlan['placement']): ShardPlan => ({
  mode: 'database',
  control: 'postgres://ctl/db',
  placement,
  idleMs: 600_000,
  shards: ['a', 'b', 'c'].map((name) => ({ name, connection: `postgres://${name}:5432/postgres` })),
});

describe('placement', () => {
  it('least_tenants takes the shard with the fewest tenants, the first declared on a tie', () => {
    expect(chooseShard(plan('least_tenants'), 'x', new Map())).toBe('a');
    expect(
      chooseShard(
        plan('least_tenants'),
        'x',
        new Map([
          ['a', 2],
          ['b', 1],
          ['c', 1],
        ]),
      ),
    ).toBe('b');
    expect(
      chooseShard(
        plan('least_tenants'),
        'x',
        new Map([
          ['a', 1],
          ['b', 1],
        ]),
      ),
    ).toBe('c');
  });

  it('hash gives a tenant the same shard every time, and spreads tenants over every shard', () => {
    const p = plan('hash');
    const counts = new Map([['a', 100]]);
    expect(chooseShard(p, 'acme', counts)).toBe(chooseShard(p, 'acme', new Map()));
    const used = new Set(Array.from({ length: 60 }, (_, i) => chooseShard(p, `tenant-${i}`, new Map())));
    expect([...used].sort()).toEqual(['a', 'b', 'c']);
  });

  it("names a tenant's schema or database readably, distinctly and within 63 bytes", () => {
    expect(locationName('Acme.EU')).toMatch(/^t_acme_eu_[0-9a-f]{10}$/);
    expect(locationName('acme.eu')).not.toBe(locationName('Acme.EU'));
    expect(locationName('acme_eu')).not.toBe(locationName('acme.eu'));
    const long = locationName(`x${'y'.repeat(127)}`);
    expect(Buffer.byteLength(long)).toBeLessThanOrEqual(63);
    expect(locationName('a@b:c')).toMatch(/^t_a_b_c_[0-9a-f]{10}$/);
  });
});

describe("a tenant's store", () => {
  it("is its database on its shard (database mode), keeping the URL's user and options", () => {
    expect(withDatabase('postgres://u:p@h:5433/postgres?sslmode=disable', 't_x_1')).toBe('postgres://u:p@h:5433/t_x_1?sslmode=disable');
    expect(withDatabase({ host: 'h', port: 5432, database: 'postgres' }, 't_x_1')).toEqual({ host: 'h', port: 5432, database: 't_x_1' });
  });

  it('is its schema on its shard (schema mode), a single-tenant model, with archive files in a folder of its own', () => {
    const model = appSchema.parse({
      event_store: {
        type: 'postgresql',
        connection: 'postgres://ctl/app',
        archive: { storage: 'files', dir: '/var/archive' },
        tenancy: { mode: 'schema', shards: [{ name: 's1', connection: 'postgres://s1/app' }] },
      },
    });
    const p = shardPlan(model);
    // idle tenant runtimes close after ten minutes unless idle_timeout says otherwise
    expect(p).toMatchObject({ mode: 'schema', control: 'postgres://ctl/app', placement: 'least_tenants', idleMs: 600_000 });
    const quick = appSchema.parse({ ...model, event_store: { ...model.event_store, tenancy: { mode: 'schema', idle_timeout: '1s' } } });
    expect(shardPlan(quick).idleMs).toBe(1_000);
    const store = tenantModel(model, p, { shard: 's1', location: 't_a_123' }).event_store;
    expect(store).toMatchObject({ connection: 'postgres://s1/app', schema: 't_a_123', archive: { dir: '/var/archive/t_a_123' } });
    expect(store.tenancy).toBeUndefined();
    expect(() => tenantModel(model, p, { shard: 'gone', location: 't' })).toThrow(/shard "gone"/);
  });
});
