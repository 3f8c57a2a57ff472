import { describe, expect, it } from 'vitest';
import { diagnosticsOf, modelOf, check, lines } from './helpers.js';

describe('aliases: seed spellings become canonical blocks', () => {
  it('event_sourcing.event_store: type "database" means postgresql', async () => {
    const { model, diagnostics } = await modelOf(
      `event_sourcing = {\n  event_store = { type = "database", connection = "postgres://x/db", table_prefix = "events_" }\n}`,
    );
    expect(diagnostics).toEqual([]);
    expect(model.event_store).toMatchObject({ type: 'postgresql', connection: 'postgres://x/db', table_prefix: 'events_' });
  });

  it('event_store_config.storage: primary → event_store, cache → cache, archive and settings → warnings', async () => {
    const text = [
      'event_store_config = {',
      '  storage = {',
      '    primary = { type = "postgresql", connection = "postgres://h/db", schema = "events" }',
      '    archive = { type = "s3" }',
      '    cache = { type = "redis", ttl = "1 hour", max_memory = "2GB" }',
      '  }',
      '  event_handling = { validation = true }',
      '  performance = { batch_size = 1000 }',
      '}',
    ].join('\n');
    const { model, diagnostics } = await modelOf(text);
    expect(model.event_store).toMatchObject({ type: 'postgresql', schema: 'events' });
    expect(model.cache).toMatchObject({ type: 'redis', ttl: 3_600_000, max_memory: 2 * 1024 ** 3 });
    expect(diagnostics).toEqual([
      '4:5 warning CONFIG_IGNORED event_store_config.storage.archive: ignored: tusk-es keeps every event in the event store',
      '7:3 warning CONFIG_IGNORED event_store_config.event_handling: ignored: tusk-es always validates, orders per stream and uses optimistic concurrency',
      '8:3 warning CONFIG_IGNORED event_store_config.performance: ignored: tusk-es always validates, orders per stream and uses optimistic concurrency',
    ]);
  });

  it('[event_store] section: host/port/… become the connection and imply postgresql; provider means type', async () => {
    const section = await modelOf('[event_store]\nhost: db\nport: @env("PORT", "6543")\ndatabase: es\nconnection_pool: "5"');
    expect(section.model.event_store).toMatchObject({
      type: 'postgresql',
      pool_size: 5,
      connection: { host: 'db', port: 6543, database: 'es' },
    });
    const provider = await modelOf('event_store = { provider = "postgres", connection = "postgres://h/db" }');
    expect(provider.model.event_store.type).toBe('postgresql');
  });

  it('aggregate_config.user_aggregate merges with event_sourcing.aggregates.user', async () => {
    const text = [
      'event_sourcing = { aggregates = { user = { event_types = ["UserCreated"], snapshot_frequency = 100 } } }',
      'aggregate_config = {',
      '  user_aggregate = { business_rules = { email_uniqueness = true, phone_uniqueness = false } }',
      '  order_aggregate = { business_rules = { valid_status_transitions = { "created" = ["confirmed"] } } }',
      '}',
    ].join('\n');
    const r = await check(text);
    expect(Object.keys(r.model!.aggregates)).toEqual(['user', 'order']);
    expect(r.model!.aggregates.user).toMatchObject({ event_types: ['UserCreated'], snapshot_frequency: 100, unique: ['email'] });
    expect(r.model!.aggregates.order!.valid_status_transitions).toEqual({ created: ['confirmed'] });
    // the status warning points at the transitions as written under aggregate_config
    expect(lines(r.diagnostics)).toEqual([
      '4:42 warning CONFIG_INVALID aggregate_config.order_aggregate.business_rules.valid_status_transitions: guards `status`, which is not in state; declare its initial value: state = { status = "created" }',
    ]);
  });

  it('business rules without generic meaning, event_handlers and invariants: warnings that show what to write', async () => {
    const text = [
      'aggregate_config = {',
      '  order_aggregate = {',
      '    event_handlers = { OrderCreated = "handleOrderCreated" }',
      '    business_rules = { minimum_order_amount = 10.00, max_items_per_order = 100 }',
      '    invariants = { email_required = true, username_unique = true }',
      '  }',
      '}',
    ].join('\n');
    expect(await diagnosticsOf(text)).toEqual([
      '3:5 warning CONFIG_USER_CODE aggregate_config.order_aggregate.event_handlers: names user-code methods, which tusk-es cannot run; describe how each event changes state instead: apply = { OrderCreated = { field = "data.field" } } (an event with no apply entry merges its data into state)',
      '4:24 warning CONFIG_IGNORED aggregate_config.order_aggregate.business_rules.minimum_order_amount: business rule with no generic meaning, ignored; write instead: require = [{ when = "total >= 10", message = "the order total must be at least 10" }]',
      '4:54 warning CONFIG_IGNORED aggregate_config.order_aggregate.business_rules.max_items_per_order: business rule with no generic meaning, ignored; write instead: require = [{ when = "LENGTH(items) < 100", message = "an order holds at most 100 items" }]',
      '5:5 warning CONFIG_IGNORED aggregate_config.order_aggregate.invariants: not checked by tusk-es; write them as require = ["email IS NOT NULL"] on the commands and unique = ["username"]',
    ]);
  });

  it('[aggregates] and [projections] scalars (strings from @env) become snapshot and projection defaults', async () => {
    const text = [
      '[projections]',
      'enabled: @env("PROJECTIONS_ENABLED", "true")',
      'real_time: @env("REAL_TIME", "false")',
      'batch_size: @env("BATCH", "250")',
      'retry_attempts: "5"',
      '[aggregates]',
      'snapshot_enabled: @env("SNAP", "false")',
      'snapshot_retention: "30d"',
      'optimistic_concurrency: "true"',
    ].join('\n');
    const { model, diagnostics } = await modelOf(text);
    expect(model.projection_defaults).toMatchObject({ enabled: true, mode: 'async', batch_size: 250, retry_attempts: 5 });
    expect(model.snapshots).toMatchObject({ enabled: false, retention: 30 * 86_400_000 });
    expect(diagnostics).toEqual([
      '9:1 warning CONFIG_IGNORED aggregates.optimistic_concurrency: ignored: optimistic concurrency is always on (send If-Match to use it)',
    ]);
  });

  it('a setting named like an Object.prototype member is an unknown key, not a silently dropped one', async () => {
    const diagnostics = await diagnosticsOf('event_sourcing = { constructor = 1, toString = 2 }');
    expect(diagnostics).toEqual([
      '1:20 error CONFIG_UNKNOWN_KEY event_sourcing.constructor: unknown key',
      '1:37 error CONFIG_UNKNOWN_KEY event_sourcing.toString: unknown key',
    ]);
  });

  it('event_sourcing.projections settings (seed 000) and [event_sourcing] scalars (seed 002)', async () => {
    const a = await modelOf(
      'event_sourcing = { projections = { real_time = true, batch_processing = true, read_models = { denormalization = true } } }',
    );
    expect(a.model.projection_defaults.mode).toBe('inline');
    expect(a.diagnostics).toEqual([]);
    const b = await modelOf('[event_sourcing]\nevent_store_type: "database"\nsnapshot_frequency: "100"\nenabled: "true"');
    expect(b.model.event_store.type).toBe('postgresql');
    expect(b.model.snapshots.frequency).toBe(100);
    expect(b.diagnostics).toEqual([
      '4:1 warning CONFIG_IGNORED event_sourcing.enabled: ignored: event sourcing is what tusk-es does; it cannot be turned off',
    ]);
  });

  it('projection_config, snapshot_config (named entries set the aggregate frequency), saga_config, event_driven_integration', async () => {
    const text = [
      'aggregates = { user = { event_types = ["UserCreated"], commands = { CreateUser = { creates = true, emits = "UserCreated" } } } }',
      'projection_config = { users = { table = "users", events = ["UserCreated"] } }',
      'snapshot_config = {',
      '  user_snapshots = { aggregate_type = "user", frequency = 25, storage = { type = "database" } }',
      '  replay_config = { batch_size = 1000 }',
      '}',
      'saga_config = { s = { steps = [{ name = "a", command = "CreateUser" }] } }',
      'event_driven_integration = {',
      '  event_publishers = { webhooks = { endpoints = ["https://x.test/hook"] } }',
      '  event_subscribers = { audit = { events = ["*"], webhook = "https://x.test/audit" } }',
      '}',
    ].join('\n');
    const { model, diagnostics } = await modelOf(text);
    expect(model.projections.users!.table).toBe('users');
    expect(model.aggregates.user!.snapshot_frequency).toBe(25);
    expect(model.sagas.s!.steps[0]!.command).toBe('CreateUser');
    expect(model.publishers.webhooks!.endpoints).toEqual(['https://x.test/hook']);
    expect(model.subscribers.audit!.webhook).toBe('https://x.test/audit');
    expect(diagnostics).toEqual([
      '5:3 warning CONFIG_IGNORED snapshot_config.replay_config: ignored: replays are run by `tusk-es rebuild` and `POST /projections/{name}/rebuild`',
    ]);
  });

  it('unknown top-level blocks are warnings located at the block key', async () => {
    expect(await diagnosticsOf('server = { port = 1 }\n\n  monitoring_config = { metrics = true }\naggregate = {}')).toEqual([
      '3:3 warning CONFIG_UNKNOWN_BLOCK monitoring_config: not used by tusk-es',
      '4:1 warning CONFIG_UNKNOWN_BLOCK aggregate: not used by tusk-es (did you mean `aggregates`?)',
    ]);
  });

  it('unknown keys inside an alias block are errors with a hint', async () => {
    expect(await diagnosticsOf('event_store_config = { storage = { primery = {} } }')).toEqual([
      '1:36 error CONFIG_UNKNOWN_KEY event_store_config.storage.primery: unknown key (did you mean `primary`?)',
    ]);
  });

  it('the same canonical key set twice with different values is an error pointing at both', async () => {
    const r = await check('event_sourcing = { event_store = { type = "postgresql" } }\nevent_store = { type = "embedded" }');
    expect(r.model).toBeUndefined();
    expect(r.diagnostics).toHaveLength(1);
    expect(r.diagnostics[0]).toMatchObject({
      code: 'CONFIG_INVALID',
      message: 'event_store.type is set twice with different values: event_sourcing.event_store.type and event_store.type',
      location: { line: 2, column: 24 },
      related: [{ location: { line: 1, column: 43 } }],
    });
  });

  it('the same value written twice is not a conflict', async () => {
    const { diagnostics } = await modelOf(
      'event_sourcing = { event_store = { type = "database" } }\nevent_store = { type = "postgresql", connection = "postgres://h/d" }',
    );
    expect(diagnostics).toEqual([]);
  });

  it('an unset @env does not also fail the schema: the default applies', async () => {
    const { model, diagnostics } = await modelOf(
      'event_store = { provider = "postgresql", connection = { host = "@env(\'DB_HOST\')", port = 5432 } }',
    );
    expect(model.event_store.connection).toMatchObject({ host: 'localhost', port: 5432 });
    expect(diagnostics).toEqual(['1:65 warning TSK_ENV_NOT_SET DB_HOST is not set']);
  });
});
