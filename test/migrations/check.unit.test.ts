/**
 * `check` on event migrations (issue 5, acceptance 3): every fault of a chain or a step is a
 * located diagnostic (line:column of the key or value at fault).
 */
import { describe, expect, it } from 'vitest';
import { diagnosticsOf } from '../config/helpers.js';

// Declares E and F (emitted by commands); the migrations under test follow on line 3.
const app = (
  migrations: string,
  extra = '',
) => `aggregates = { a = { commands = { C = { creates = true, emits = "E" }, D = { emits = "F" } } } }
${extra}event_versioning = { migrations = {
${migrations}
} }
`;

describe('check: migration chains', () => {
  it('accepts a contiguous chain with built-in and expression transforms', async () => {
    expect(
      await diagnosticsOf(
        app(`  E_v1_to_v2 = { from_version = 1, to_version = 2, changes = { transform_fields = { a = "to_lower", b = "LOWER(value)", c = "value", d = "true" } } }
  E_v2_to_v3 = { from_version = 2, to_version = 3, changes = { add_fields = { profile = {} }, rename_fields = { mail = "email" } } }
  F_v1_to_v2 = { from_version = 1, to_version = 2 }`),
      ),
    ).toEqual([]);
  });

  it('rejects a gap, located at the migration after it', async () => {
    expect(
      await diagnosticsOf(
        app(`  E_v1_to_v2 = { from_version = 1, to_version = 2 }
  E_v3_to_v4 = { from_version = 3, to_version = 4 }`),
      ),
    ).toEqual([
      '4:3 error CONFIG_MIGRATION_CHAIN event_versioning.migrations.E_v3_to_v4: E has a gap: nothing migrates v2 to v3 (between E_v1_to_v2 and E_v3_to_v4)',
    ]);
  });

  it('rejects a loop: a migration that goes back, and a pair that cycles', async () => {
    expect(await diagnosticsOf(app('  E_v2_to_v2 = { from_version = 2, to_version = 2 }'))).toEqual([
      '3:49 error CONFIG_MIGRATION_CHAIN event_versioning.migrations.E_v2_to_v2.to_version: to_version 2 must be greater than from_version 2 (a migration cannot loop back)',
    ]);
    expect(
      await diagnosticsOf(
        app(`  E_v1_to_v2 = { from_version = 1, to_version = 2 }
  E_v2_to_v1 = { from_version = 2, to_version = 1 }`),
      ),
    ).toEqual([
      '4:49 error CONFIG_MIGRATION_CHAIN event_versioning.migrations.E_v2_to_v1.to_version: to_version 1 must be greater than from_version 2 (a migration cannot loop back)',
    ]);
  });

  it('rejects two migrations from one version, and overlapping ones', async () => {
    expect(
      await diagnosticsOf(
        app(`  E_v1_to_v2 = { from_version = 1, to_version = 2 }
  again = { event = "E", from_version = 1, to_version = 2 }`),
      ),
    ).toEqual(['4:3 error CONFIG_MIGRATION_CHAIN event_versioning.migrations.again: E has two migrations from v1 (E_v1_to_v2 and again)']);
    expect(
      await diagnosticsOf(
        app(`  E_v1_to_v3 = { from_version = 1, to_version = 3 }
  E_v2_to_v4 = { from_version = 2, to_version = 4 }`),
      ),
    ).toEqual([
      '4:3 error CONFIG_MIGRATION_CHAIN event_versioning.migrations.E_v2_to_v4: E migrations overlap: E_v1_to_v3 goes to v3, E_v2_to_v4 starts at v2',
    ]);
  });

  it('rejects versions below 1', async () => {
    expect(await diagnosticsOf(app('  E_v0_to_v1 = { from_version = 0, to_version = 1 }'))).toEqual([
      '3:33 error CONFIG_MIGRATION_CHAIN event_versioning.migrations.E_v0_to_v1.from_version: from_version 0: schema versions start at 1',
    ]);
  });

  it('rejects a chain that does not end at the declared events.<type>.version', async () => {
    expect(await diagnosticsOf(app('  E_v1_to_v2 = { from_version = 1, to_version = 2 }', 'events = { E = { version = 3 } }\n'))).toEqual([
      '2:28 error CONFIG_MIGRATION_CHAIN events.E.version: events.E.version is 3 but its migrations end at v2',
    ]);
  });
});

describe('check: what a migration names', () => {
  it('rejects an unknown transform at its value, with a did-you-mean', async () => {
    const [d, ...rest] = await diagnosticsOf(
      app('  E_v1_to_v2 = { from_version = 1, to_version = 2, changes = { transform_fields = { name = "split_name" } } }'),
    );
    expect(rest).toEqual([]);
    expect(d).toMatch(
      /^3:92 error CONFIG_MIGRATION_CHAIN event_versioning\.migrations\.E_v1_to_v2\.changes\.transform_fields\.name: unknown transform `split_name` \(did you mean `split_name_to_first_last`\?\) \(built-ins: split_name_to_first_last, normalize_order_items, to_lower, /,
    );
  });

  it('rejects a migration of an undeclared event type, at the key or at `event`', async () => {
    expect(await diagnosticsOf(app('  Ee_v1_to_v2 = { from_version = 1, to_version = 2 }'))).toEqual([
      "3:3 error CONFIG_REFERENCE event_versioning.migrations.Ee_v1_to_v2: unknown event type `Ee`: not declared (in an aggregate's event_types, a command's emit, or the events block) (did you mean `E`?)",
    ]);
    expect(await diagnosticsOf(app('  users = { event = "UserCreated", from_version = 1, to_version = 2 }'))).toEqual([
      "3:21 error CONFIG_REFERENCE event_versioning.migrations.users.event: unknown event type `UserCreated`: not declared (in an aggregate's event_types, a command's emit, or the events block)",
    ]);
  });

  it('rejects a migration whose event type cannot be told', async () => {
    expect(await diagnosticsOf(app('  rename_users = { from_version = 1, to_version = 2 }'))).toEqual([
      '3:3 error CONFIG_MIGRATION_CHAIN event_versioning.migrations.rename_users: cannot tell which event this migrates: name it <Event>_v<N>_to_v<M> or set event = "…"',
    ]);
  });

  it('warns when the key says other versions or another event than the migration does', async () => {
    expect(
      await diagnosticsOf(
        app(`  E_v1_to_v2 = { from_version = 2, to_version = 3 }
  F_v1_to_v2 = { event = "E", from_version = 3, to_version = 4 }`),
      ),
    ).toEqual([
      '3:3 warning CONFIG_MIGRATION_CHAIN event_versioning.migrations.E_v1_to_v2: the key says v1 to v2 but from_version/to_version say v2 to v3',
      '4:3 warning CONFIG_MIGRATION_CHAIN event_versioning.migrations.F_v1_to_v2: the key says v1 to v2 but from_version/to_version say v3 to v4',
      '4:26 warning CONFIG_MIGRATION_CHAIN event_versioning.migrations.F_v1_to_v2.event: the key names F but event = "E": this migration moves E',
    ]);
  });
});

describe('check: the changes of one step', () => {
  const step = (changes: string) => app(`  E_v1_to_v2 = { from_version = 1, to_version = 2, changes = { ${changes} } }`);

  it('rejects a field both added and removed', async () => {
    expect(await diagnosticsOf(step('add_fields = ["age"], remove_fields = ["age"]'))).toEqual([
      '3:78 error CONFIG_INVALID event_versioning.migrations.E_v1_to_v2.changes.add_fields[0]: `age` is both added and removed by this migration',
    ]);
    expect(await diagnosticsOf(step('add_fields = { age = 0 }, remove_fields = ["age"]'))).toEqual([
      '3:79 error CONFIG_INVALID event_versioning.migrations.E_v1_to_v2.changes.add_fields.age: `age` is both added and removed by this migration',
    ]);
  });

  it('rejects two renames to one name and a rename to a removed name', async () => {
    expect(await diagnosticsOf(step('rename_fields = { mail = "email", e_mail = "email" }'))).toEqual([
      '3:107 error CONFIG_INVALID event_versioning.migrations.E_v1_to_v2.changes.rename_fields.e_mail: `e_mail` and `mail` are both renamed to `email`',
    ]);
    expect(await diagnosticsOf(step('rename_fields = { mail = "email" }, remove_fields = ["email"]'))).toEqual([
      '3:89 error CONFIG_INVALID event_versioning.migrations.E_v1_to_v2.changes.rename_fields.mail: `mail` is renamed to `email`, which this migration removes',
    ]);
  });

  it('rejects a transform that never runs: its field is removed or renamed away first', async () => {
    expect(await diagnosticsOf(step('remove_fields = ["age"], transform_fields = { age = "to_number" }'))).toEqual([
      '3:110 error CONFIG_INVALID event_versioning.migrations.E_v1_to_v2.changes.transform_fields.age: `age` is removed by this migration, so its transform never runs (transforms run after removals)',
    ]);
    expect(await diagnosticsOf(step('rename_fields = { mail = "email" }, transform_fields = { mail = "to_lower" }'))).toEqual([
      '3:121 error CONFIG_INVALID event_versioning.migrations.E_v1_to_v2.changes.transform_fields.mail: `mail` is renamed to `email` by this migration, so transform `email` instead (transforms run after renames)',
    ]);
    // a swap leaves both names present, so both transforms run
    expect(await diagnosticsOf(step('rename_fields = { a = "b", b = "a" }, transform_fields = { a = "to_lower" }'))).toEqual([]);
  });
});
