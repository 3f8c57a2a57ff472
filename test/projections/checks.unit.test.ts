/**
 * What `check` says about projections: column declarations, names PostgreSQL cannot hold or
 * that collide, keys that do not apply to an action, bare names that are not columns — each a
 * located error — and the columns it infers from mappings, payload schemas and commands.
 */
import { describe, expect, it } from 'vitest';
import { compileProjections } from '../../src/projections/compile/compileProjection.js';
import { parseColumnType } from '../../src/projections/tables/columnType.js';
import { diagnosticsOf, modelOf } from '../config/helpers.js';

const EVENTS =
  'events = { Other = {}, Happened = { schema = { n = "integer", label = "string", at = "timestamp", tags = "array", price = "number?" } } }\n';

describe('column declarations', () => {
  it.each([
    ['text primary key', { type: 'text', primaryKey: true, notNull: false, unique: false }],
    ['NUMERIC(10, 2) NOT NULL', { type: 'numeric(10,2)', primaryKey: false, notNull: true, unique: false }],
    ['timestamp with time zone', { type: 'timestamptz', primaryKey: false, notNull: false, unique: false }],
    ['character varying(20) unique', { type: 'varchar(20)', primaryKey: false, notNull: false, unique: true }],
    ['int null', { type: 'integer', primaryKey: false, notNull: false, unique: false }],
  ])('%s', (text, decl) => expect(parseColumnType(text)).toEqual(decl));

  it.each([
    ['text; DROP TABLE x', /unknown column type/],
    ['text default 1', /unsupported "default 1"/],
    ['numeric(2,5)', /bad size/],
    ['boolean(3)', /takes no such arguments/],
    ['serial', /unknown column type/],
  ])('refuses %s', (text, message) => expect(parseColumnType(text)).toMatch(message));
});

describe('check', () => {
  it('reports bad declarations, undeclared columns and misplaced keys where they are written', async () => {
    const text = `${EVENTS}projections = {
  p = {
    table = "p"
    events = ["Happened"]
    columns = { id = "text primary key", n = "decimal(3,4)", label = "text primary key" }
    mapping = {
      Happened = { action = "insert", where = "id = aggregate_id", fields = { n = "data.n", missing = "1" } }
    }
  }
  q = { table = "q", events = ["Happened"], mapping = { Happened = { action = "delete", fields = { n = "1" } } } }
}`;
    expect(await diagnosticsOf(text)).toEqual([
      '6:46 error CONFIG_INVALID projections.p.columns.n: bad size in "decimal(3,4)"',
      '6:70 error CONFIG_INVALID projections.p.columns.label: only the key column `id` can be the primary key (set `key = "label"` to key by this column)',
      '8:47 error CONFIG_INVALID projections.p.mapping.Happened.where: `where` does not apply to insert: it writes the row whose key the fields give (set the key column in `fields`)',
      '8:93 error CONFIG_INVALID projections.p.mapping.Happened.fields.missing: column `missing` is not in `columns`',
      '11:98 error CONFIG_INVALID projections.q.mapping.Happened.fields: `fields` do not apply to delete: it removes the rows `where` selects',
    ]);
  });

  it('on_error and max_retries: a located warning on an inline projection, an error for an unknown value, accepted on an async one', async () => {
    const text = `${EVENTS}projections = {
  i = { table = "i", events = ["Happened"], on_error = "skip", max_retries = 2 }
  a = { table = "a", mode = "async", events = ["Happened"], on_error = "stop", max_retries = 0 }
  b = { table = "b", mode = "async", events = ["Happened"], on_error = "ignore" }
}`;
    const diags = await diagnosticsOf(text);
    expect(diags.filter((d) => d.includes('projections.i'))).toEqual([
      '3:45 warning CONFIG_INVALID projections.i.on_error: on_error applies to async projections only: an inline projection\'s failure refuses the command (422 PROJECTION_FAILED) and nothing is written; set mode = "async" or remove it',
      '3:64 warning CONFIG_INVALID projections.i.max_retries: max_retries applies to async projections only: an inline projection\'s failure refuses the command (422 PROJECTION_FAILED) and nothing is written; set mode = "async" or remove it',
    ]);
    expect(diags.filter((d) => d.includes('projections.a'))).toEqual([]);
    expect(diags.filter((d) => d.includes('projections.b')).join('\n')).toMatch(/projections\.b\.on_error.*(stop|skip|park)/);
  });

  it('refuses tables that collide with each other or with the store, reserved and too long names', async () => {
    const long = 'x'.repeat(64);
    const text = `${EVENTS}event_store = { table_prefix = "es_" }
projections = {
  a = { table = "shared", events = ["Happened"], joins = { j = { table = "shared", foreign_key = "a_id" } } }
  b = { table = "es_events", events = ["Happened"] }
  c = { table = "c__tusk_rebuild", events = ["Happened"] }
  d = { table = "${long}", events = ["Happened"] }
}`;
    const diags = await diagnosticsOf(text);
    expect(diags).toHaveLength(4);
    expect(diags).toContain(
      '4:74 error CONFIG_INVALID projections.a.joins.j.table: table "shared" is already the table of projections.a.table',
    );
    expect(diags).toContain(
      `5:17 error CONFIG_INVALID projections.b.table: table "es_events" is one of the event store's own tables; choose another name`,
    );
    expect(diags).toContain('6:17 error CONFIG_INVALID projections.c.table: table names containing "__tusk_" are reserved for rebuilds');
    expect(diags).toContain(`7:17 error CONFIG_INVALID projections.d.table: "${long}" is longer than PostgreSQL's 63 bytes`);
  });

  it('knows the columns of unmapped events (from the payload schema), so expressions may read them', async () => {
    const ok = `${EVENTS}projections = { p = { table = "p", events = ["Happened", "Other"], mapping = { Other = { action = "update", fields = { n = "n + 1" } } } } }`;
    expect(await diagnosticsOf(ok)).toEqual([]);
    const bad = `${EVENTS}projections = { p = { table = "p", events = ["Happened", "Other"], mapping = { Other = { action = "update", fields = { n = "nn + 1" } } } } }`;
    expect(await diagnosticsOf(bad)).toEqual([
      "2:125 error EXPR_UNKNOWN_NAME projections.p.mapping.Other.fields.n: unknown column 'nn' (did you mean `n`?)",
    ]);
  });
});

describe('inferred columns', () => {
  it('types columns by mapping expressions, payload schemas and the inputs of the commands that emit the event', async () => {
    const { model } = await modelOf(`${EVENTS}
aggregates = { o = { commands = {
  Create = { creates = true, input = { customer = "string", qty = "integer", paid = "boolean" }, emits = "Created" }
  Ship = { emit = { type = "Shipped", data = { at = "NOW()", by = "input.who", note = "CONCAT('a', 1)" } }, input = { who = "email" } }
} } }
projections = {
  p = {
    table = "p"
    events = ["Happened", "Created", "Shipped"]
    mapping = { Happened = { action = "upsert", fields = { total = "COALESCE(total, 0) + data.price", seen = "timestamp", first = "data.label", v = "version", ok = "data.n > 2", whatever = "data.tags[0]" } } }
  }
}`);
    const [p] = compileProjections(model);
    expect(Object.fromEntries(p!.tables.main.columns.map((c) => [c.name, c.type]))).toEqual({
      id: 'text',
      total: 'numeric',
      seen: 'timestamptz',
      first: 'text',
      v: 'bigint',
      ok: 'boolean',
      whatever: 'jsonb',
      customer: 'text',
      qty: 'bigint',
      paid: 'boolean',
      at: 'timestamptz',
      by: 'text',
      note: 'text',
    });
  });
});
