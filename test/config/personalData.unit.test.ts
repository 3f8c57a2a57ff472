/**
 * Issue 16 item 1, acceptance 2: `check` flags, located, a projection column (and a publisher,
 * a subscriber, a saga input) that copies a personal field it did not declare, and personal
 * data without a master key. Seed 004's `encryption.sensitive_fields` is the same machinery.
 */
import { describe, expect, it } from 'vitest';
import { diagnosticsOf, modelOf } from './helpers.js';

const USER = [
  'event_store = { encryption_key = @env.secure("TUSK_DATA_KEY") }',
  'aggregates = {',
  '  user = {',
  '    personal_data = { subject = "aggregate_id", fields = ["email", "address.*"] }',
  '    commands = { Register = { creates = true, input = { email = "email", plan = "string", address = "object?" }, emits = "UserRegistered" } }',
  '  }',
  '}',
].join('\n');
const KEY = { TUSK_DATA_KEY: 'a-master-key-long-enough-for-tests-0001' };
const personal = (diags: string[]) => diags.filter((d) => d.includes('CONFIG_PERSONAL_DATA'));

const projection = (columns: string, fields: string) =>
  `${USER}\nprojections = {\n  users = {\n    table = "users"\n    events = ["UserRegistered"]\n${columns}    mapping = { UserRegistered = { action = "insert", fields = { ${fields} } } }\n  }\n}`;

describe('check: personal data (issue 16)', () => {
  it('flags a projection column that copies a personal field without declaring it, at the column', async () => {
    const diags = await diagnosticsOf(projection('', 'id = "aggregate_id", contact = "LOWER(data.email)", plan = "data.plan"'), KEY);
    expect(personal(diags)).toEqual([
      '12:97 error CONFIG_PERSONAL_DATA projections.users.mapping.UserRegistered.fields.contact: column `contact` copies personal field data.email of UserRegistered; declare it: columns = { contact = { type = "…", personal = true } } (scrubbed when the subject is forgotten)',
    ]);
  });

  it('accepts the same column declared personal = true, and non-personal fields undeclared', async () => {
    const columns =
      '    columns = { id = "text primary key", contact = { type = "text", personal = true }, city = { type = "text", personal = true }, plan = "text" }\n';
    const { model, diagnostics } = await modelOf(
      projection(columns, 'id = "aggregate_id", contact = "LOWER(data.email)", city = "data.address.city", plan = "data.plan"'),
      KEY,
    );
    expect(personal(diagnostics)).toEqual([]);
    expect(model.projections.users!.personal_columns).toEqual(['contact', 'city']);
    expect(model.projections.users!.columns).toMatchObject({ contact: 'text', plan: 'text' });
  });

  it('flags a path under a wildcard field, and an unmapped event that upserts a personal field', async () => {
    const diags = personal(await diagnosticsOf(projection('', 'id = "aggregate_id", city = "data.address.city"'), KEY));
    expect(diags).toHaveLength(1);
    expect(diags[0]).toContain('column `city` copies personal field data.address.*');
    const unmapped = `${USER}\nprojections = { users = { table = "users", events = ["UserRegistered"] } }`;
    expect(personal(await diagnosticsOf(unmapped, KEY))).toEqual([
      expect.stringMatching(
        /^8:54 error CONFIG_PERSONAL_DATA projections\.users\.events\[0\]: UserRegistered is projected without a mapping, so its personal field\(s\) email, address become columns/,
      ),
    ]);
  });

  it('reports a missing master key, located at the declaration', async () => {
    expect(personal(await diagnosticsOf(USER))).toEqual([
      '4:5 error CONFIG_PERSONAL_DATA aggregates.user.personal_data: personal_data needs a master key: set event_store.encryption_key = @env.secure("TUSK_DATA_KEY")',
    ]);
    expect(personal(await diagnosticsOf(USER, KEY))).toEqual([]);
  });

  it('flags publishers, subscribers and saga inputs that copy personal fields undeclared', async () => {
    const text = [
      USER,
      'publishers = { webhooks = { endpoints = ["http://127.0.0.1:9/hook"] } }',
      'subscribers = { crm = { events = ["UserRegistered"], webhook = "http://127.0.0.1:9/crm", personal_data = true } }',
      'sagas = { welcome = { starts_on = "UserRegistered", steps = [',
      '  { name = "mail", call = { url = "http://127.0.0.1:9/mail", body = { to = "data.email" } } },',
      '  { name = "note", call = { url = "http://127.0.0.1:9/note", body = { plan = "data.plan" } } },',
      '  { name = "copy", call = { url = "http://127.0.0.1:9/copy", body = { to = "data.email" } }, personal_data = true }',
      '] } }',
    ].join('\n');
    const diags = personal(await diagnosticsOf(text, KEY));
    expect(diags).toEqual([
      expect.stringMatching(
        /^8:16 error CONFIG_PERSONAL_DATA publishers\.webhooks: delivers UserRegistered, whose personal fields it would send; declare personal_data = true/,
      ),
      expect.stringMatching(
        /^11:76 error CONFIG_PERSONAL_DATA sagas\.welcome\.steps\[0\]\.call\.body\.to: copies personal field data\.email of UserRegistered; declare personal_data = true on the step/,
      ),
    ]);
  });

  it("maps seed 004's encryption.sensitive_fields onto events.<Type>.personal_data", async () => {
    const text = [
      'encryption = { sensitive_fields = { UserCreated = ["email", "phone"] }, key = @env.secure("TUSK_DATA_KEY") }',
      'aggregates = { user = { commands = { Create = { creates = true, input = { email = "email", phone = "string" }, emits = "UserCreated" } } } }',
    ].join('\n');
    const { model, diagnostics } = await modelOf(text, KEY);
    expect(personal(diagnostics)).toEqual([]);
    expect(model.events.UserCreated!.personal_data).toEqual({ subject: 'aggregate_id', fields: ['email', 'phone'] });
    expect(model.event_store.encryption_key).toBe(KEY.TUSK_DATA_KEY);
    expect(personal(await diagnosticsOf(text))).toEqual([
      expect.stringContaining('events.UserCreated.personal_data: personal_data needs a master key'),
    ]);
  });
});
