/** The compiled upcaster: step semantics, chain walking, purity, fingerprint (no servers). */
import { describe, expect, it } from 'vitest';
import { migrationSchema, type MigrationConfig } from '../../src/config/schema/index.js';
import { identityUpcaster } from '../../src/engine/upcaster.js';
import { upcasterFor } from '../../src/migrations/buildUpcaster.js';
import { stored } from './helpers.js';

const migrations = (raw: Record<string, unknown>): Record<string, MigrationConfig> =>
  Object.fromEntries(Object.entries(raw).map(([k, v]) => [k, migrationSchema.parse(v)]));

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object') {
    for (const v of Object.values(value)) deepFreeze(v);
    Object.freeze(value);
  }
  return value;
}

// A three-step chain: v1 → v2 → v3 → v4.
const chain = upcasterFor(
  migrations({
    Thing_v1_to_v2: { from_version: 1, to_version: 2, changes: { rename_fields: { mail: 'email' }, remove_fields: ['age'] } },
    Thing_v2_to_v3: {
      from_version: 2,
      to_version: 3,
      changes: { add_fields: { tags: [], profile: '{}', source: 'import' }, transform_fields: { email: 'to_lower' } },
    },
    Thing_v3_to_v4: {
      from_version: 3,
      to_version: 4,
      changes: { add_fields: ['note'], transform_fields: { note: "CONCAT(data.email, '/', aggregate_id, '/', event_version)" } },
    },
  }),
);

describe('upcaster', () => {
  it('is the identity, with its fingerprint, when no migrations are configured', () => {
    expect(upcasterFor({})).toBe(identityUpcaster);
  });

  it('runs every step from the stored version to the newest, keeping id, positions, metadata and time', () => {
    const event = deepFreeze(stored('Thing', 1, { mail: 'Ada@X.io', age: 36, keep: true }));
    const up = chain(event);
    expect(up).toEqual({
      ...event,
      eventVersion: 4,
      data: { keep: true, email: 'ada@x.io', tags: [], profile: {}, source: 'import', note: 'ada@x.io/u-1/3' },
    });
    expect(chain.newestVersion?.('Thing')).toBe(4);
    expect(chain.newestVersion?.('Other')).toBeUndefined();
  });

  it('starts at the stored version: a v2 event skips the v1→v2 step, a v4 event is returned as it is', () => {
    expect(chain(stored('Thing', 2, { mail: 'kept', email: 'B@x.io', age: 1 })).data).toEqual({
      mail: 'kept',
      email: 'b@x.io',
      age: 1,
      tags: [],
      profile: {},
      source: 'import',
      note: 'b@x.io/u-1/3',
    });
    const newest = stored('Thing', 4, { email: 'x' });
    expect(chain(newest)).toBe(newest);
  });

  it('leaves alone events of other types, of a version newer than the chain, and with non-object data', () => {
    for (const event of [stored('Other', 1, { a: 1 }), stored('Thing', 7, { a: 1 }), stored('Thing', 1, ['a']), stored('Thing', 1, null)]) {
      expect(chain(event)).toBe(event);
    }
  });

  it('does not modify the stored event, and gives each event its own copy of a default', () => {
    const a = chain(deepFreeze(stored('Thing', 2, { email: 'a' })));
    const b = chain(deepFreeze(stored('Thing', 2, { email: 'b' })));
    (a.data as { tags: string[] }).tags.push('mutated');
    expect((b.data as { tags: string[] }).tags).toEqual([]);
  });

  it('runs a step in order: renames, removals, additions (only where absent), then transforms', () => {
    const up = upcasterFor(
      migrations({
        E_v1_to_v2: {
          from_version: 1,
          to_version: 2,
          changes: {
            rename_fields: { a: 'b', b: 'a', old: 'new' },
            remove_fields: ['gone'],
            add_fields: { new: 'default', extra: 0 },
            transform_fields: { new: 'to_upper', missing: 'to_upper' },
          },
        },
      }),
    );
    expect(up(stored('E', 1, { a: 1, b: 2, old: 'x', gone: true })).data).toEqual({ a: 2, b: 1, new: 'X', extra: 0 });
  });

  it('gives expressions value (the field now) and data (as at from_version), the event roots, and NOW() = the event time', () => {
    const up = upcasterFor(
      migrations({
        E_v1_to_v2: {
          from_version: 1,
          to_version: 2,
          changes: {
            remove_fields: ['first', 'last'],
            add_fields: ['full', 'at', 'meta'],
            transform_fields: {
              full: "CONCAT(data.first, ' ', data.last)",
              total: 'value * 2',
              at: 'NOW()',
              meta: "CONCAT(metadata.correlation_id, ' ', event_type, ' ', version, ' ', position, ' ', aggregate_type, ' ', timestamp)",
            },
          },
        },
      }),
    );
    expect(up(stored('E', 1, { first: 'Ada', last: 'Lovelace', total: 21 })).data).toEqual({
      total: 42,
      full: 'Ada Lovelace',
      at: '2024-05-06T07:08:09.000Z',
      meta: 'c-1 E 5 41 user 2024-05-06T07:08:09.000Z',
    });
  });

  it('runs the whole chain for a version below its first step, and starts after a step that skipped the stored version', () => {
    const up = upcasterFor(
      migrations({
        E_v2_to_v4: { from_version: 2, to_version: 4, changes: { add_fields: ['b'] } },
        E_v4_to_v5: { from_version: 4, to_version: 5, changes: { add_fields: ['c'] } },
      }),
    );
    expect(up(stored('E', 1, {}))).toMatchObject({ eventVersion: 5, data: { b: null, c: null } });
    expect(up(stored('E', 3, {}))).toMatchObject({ eventVersion: 5, data: { c: null } });
    expect(up(stored('E', 3, {})).data).not.toHaveProperty('b');
  });

  it('keeps a `__proto__` field a field, and never touches Object.prototype', () => {
    const data = JSON.parse('{"__proto__": {"polluted": true}, "x": 1}') as Record<string, unknown>;
    const up = upcasterFor(
      migrations({ E_v1_to_v2: { from_version: 1, to_version: 2, changes: { rename_fields: { x: '__proto__' }, add_fields: ['y'] } } }),
    );
    const out = up(stored('E', 1, data)).data as Record<string, unknown>;
    expect(Object.getPrototypeOf(out)).toBe(Object.prototype);
    expect(Object.hasOwn(out, '__proto__')).toBe(true);
    expect(JSON.stringify(out)).toBe('{"__proto__":1,"y":null}');
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('names the migration and the event when an expression fails while upcasting', () => {
    const up = upcasterFor(
      migrations({ E_v1_to_v2: { from_version: 1, to_version: 2, changes: { transform_fields: { n: 'value * 10' } } } }),
    );
    expect(() => up(stored('E', 1, { n: 1e308 }))).toThrow(
      /^event_versioning\.migrations\.E_v1_to_v2\.changes\.transform_fields\.n: value out of range: overflow \(upcasting E e-1\)$/,
    );
  });
});

describe('upcaster fingerprint', () => {
  const base = { E_v1_to_v2: { from_version: 1, to_version: 2, changes: { add_fields: ['a'] } } };
  const fp = (raw: Record<string, unknown>) => upcasterFor(migrations(raw)).fingerprint;

  it('changes whenever a chain changes, and only then', () => {
    expect(fp(base)).toBe(fp({ ...base }));
    expect(fp({ renamed_key: { event: 'E', ...base.E_v1_to_v2 } })).toBe(fp(base));
    expect(fp({ E_v1_to_v2: { from_version: 1, to_version: 2, changes: { add_fields: ['b'] } } })).not.toBe(fp(base));
    expect(fp({ F_v1_to_v2: base.E_v1_to_v2 })).not.toBe(fp(base));
    expect(fp({ ...base, E_v2_to_v3: { from_version: 2, to_version: 3 } })).not.toBe(fp(base));
    expect(fp(base)).not.toBe(identityUpcaster.fingerprint);
  });
});

describe('compiling migrations', () => {
  it('refuses what check refuses, naming the migration', () => {
    expect(() =>
      upcasterFor(migrations({ E_v1_to_v2: { from_version: 1, to_version: 2 }, E_v3_to_v4: { from_version: 3, to_version: 4 } })),
    ).toThrow('event_versioning.migrations: E goes to v2 in E_v1_to_v2 but E_v3_to_v4 starts at v3');
    expect(() => upcasterFor(migrations({ E_v2_to_v1: { from_version: 2, to_version: 1 } }))).toThrow(
      'to_version 1 must be greater than from_version 2',
    );
    expect(() => upcasterFor(migrations({ nameless: { from_version: 1, to_version: 2 } }))).toThrow('cannot tell which event');
    expect(() =>
      upcasterFor(migrations({ E_v1_to_v2: { from_version: 1, to_version: 2, changes: { transform_fields: { a: 'to_lowr' } } } })),
    ).toThrow('event_versioning.migrations.E_v1_to_v2.changes.transform_fields.a: unknown transform `to_lowr`');
    expect(() =>
      upcasterFor(migrations({ E_v1_to_v2: { from_version: 1, to_version: 2, changes: { transform_fields: { a: 'LOWER(' } } } })),
    ).toThrow(/^event_versioning\.migrations\.E_v1_to_v2\.changes\.transform_fields\.a: /);
  });
});
