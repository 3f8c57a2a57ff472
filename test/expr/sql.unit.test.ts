/**
 * The SQL back end: parameterised fragments (values bound, identifiers quoted), cached per
 * type signature, composable into one statement, run against a real PostgreSQL (PGlite).
 */
import type { PGlite } from '@electric-sql/pglite';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { newPglite } from '../support/pglite.js';
import { ExpressionError } from '../../src/errors.js';
import {
  baseType,
  columnClass,
  compileToSql,
  parseExpression,
  toColumnType,
  type EvalScope,
  type SqlContext,
} from '../../src/expr/index.js';
import { SqlBuilder } from '../../src/expr/sql/SqlBuilder.js';

let db: PGlite;
beforeAll(async () => {
  db = await newPglite();
});
afterAll(() => db.close());

const ORDERS: SqlContext = {
  columns: {
    id: 'text primary key',
    status: 'text',
    item_count: 'integer',
    total_amount: 'numeric',
    updated_at: 'timestamptz',
    email: 'text',
  },
};
const compile = (text: string, context: SqlContext = ORDERS) => compileToSql(parseExpression(text).ast!, context);
const event = (data: Record<string, unknown>, extra: Record<string, unknown> = {}): EvalScope => ({
  roots: { data, metadata: {}, aggregate_id: 'o-1', timestamp: '2024-03-04T05:06:07.089Z', version: 2, ...extra },
  fields: {},
  now: new Date('2024-06-01T00:00:00.000Z'),
});

describe('compileToSql', () => {
  it('binds every event value and reads bare names from columns (SPEC §5)', () => {
    expect(compile('total_amount + data.quantity * data.unit_price')(event({ quantity: 2, unit_price: 1.5 }))).toEqual({
      sql: '("total_amount"::float8 + ($1::float8 * $2::float8))',
      values: [2, 1.5],
      type: 'float8',
      nextParam: 3,
      origins: [
        { root: 'data', path: [{ field: 'quantity' }] },
        { root: 'data', path: [{ field: 'unit_price' }] },
      ],
      reads: [
        { root: 'data', path: [{ field: 'quantity' }], kind: 'number' },
        { root: 'data', path: [{ field: 'unit_price' }], kind: 'number' },
      ],
    });
    expect(compile('id = aggregate_id')(event({}))).toEqual({
      sql: '("id" = $1::text)',
      values: ['o-1'],
      type: 'boolean',
      nextParam: 2,
      origins: [{ root: 'aggregate_id', path: [] }],
      reads: [{ root: 'aggregate_id', path: [], kind: 'string' }],
    });
  });

  it('says where each value comes from, and which kinds of root values its SQL was built for', () => {
    const f = compile("CONCAT(data.items[0], 'x', NOW()) = COALESCE(data.missing, email)")(event({ items: ['a'] }));
    expect(f.origins).toEqual([{ root: 'data', path: [{ field: 'items' }, { index: 0 }] }, { constant: 'x' }, { now: true }]);
    expect(f.reads).toEqual([
      { root: 'data', path: [{ field: 'items' }, { index: 0 }], kind: 'string' },
      { root: 'data', path: [{ field: 'missing' }], kind: 'null' },
    ]);
  });

  it('binds text constants too, so nothing from the config is spliced into SQL', () => {
    const f = compile("status = 'it''s' OR CONTAINS(email, '@x')")(event({}));
    expect(f.sql).toBe('(("status" = $1::text) OR (strpos("email", $2::text) > 0))');
    expect(f.values).toEqual(["it's", '@x']);
  });

  it('types each parameter by the value of this call; a null root is a NULL, not a parameter', () => {
    const f = compile('COALESCE(data.email, email)');
    expect(f(event({ email: 'a@b.c' }))).toMatchObject({ sql: 'COALESCE($1::text, "email")', values: ['a@b.c'], type: 'text' });
    expect(f(event({}))).toMatchObject({ sql: '"email"', values: [], type: 'text' });
    expect(f(event({ email: 5 }))).toMatchObject({ sql: 'COALESCE(to_jsonb($1::float8), to_jsonb("email"))', values: [5], type: 'jsonb' });
    expect(f(event({ email: { a: [1] } }))).toMatchObject({ values: ['{"a":[1]}'], type: 'jsonb' });
  });

  it('builds the SQL once per signature and reuses it', () => {
    const finish = vi.spyOn(SqlBuilder.prototype, 'finish');
    try {
      const f = compile('item_count + data.n');
      for (let i = 0; i < 100; i++) f(event({ n: i }));
      f(event({ n: null }));
      f(event({ n: 1 }), 7);
      expect(finish).toHaveBeenCalledTimes(3);
    } finally {
      finish.mockRestore();
    }
  });

  it('keeps one SQL per signature, however many paths and wherever its placeholders start', () => {
    // a signature is a small integer up to 6 paths under placeholder 4096, else a string: every
    // call must get what a fresh compile builds, never another signature's SQL
    for (const text of ['CONCAT(data.a, data.b)', 'CONCAT(data.a, data.b, data.c, data.d, data.e, data.f, data.g)']) {
      const kept = compile(text);
      const datas = [
        { a: 'x', b: 'y', c: 'z', d: 'w', e: 'v', f: 'u', g: 't' },
        { a: 1, b: 'y', c: 'z', d: 'w', e: 'v', f: 'u', g: 2 },
        { b: true, c: null, d: [1], e: { k: 1 }, f: 'u', g: 2.5 },
        { a: 'x', b: 3, g: 'z' },
        { b: 'y' },
        { a: 1 },
      ];
      for (const first of [1, 2, 4095, 4096, 70_000])
        for (const data of datas) expect(kept(event(data), first)).toEqual(compile(text)(event(data), first));
    }
  });

  it('numbers placeholders from the given start and qualifies columns as asked', () => {
    const f = compileToSql(parseExpression('item_count + data.n + data.n').ast!, { ...ORDERS, column: (c) => `o."${c}"` });
    expect(f(event({ n: 1 }), 4)).toMatchObject({
      sql: '((o."item_count"::float8 + $4::float8) + $4::float8)',
      values: [1],
      type: 'float8',
      nextParam: 5,
    });
  });

  it('binds NOW() as the scope time, never the database clock', () => {
    expect(compile('NOW()')(event({}))).toMatchObject({ sql: '$1::text', values: ['2024-06-01T00:00:00.000Z'] });
  });

  it('fails on a bare name that is no column (check reports it first)', () => {
    expect(() => compile('nope + 1')(event({}))).toThrow(ExpressionError);
    expect(() => compile('nope + 1')(event({}))).toThrow(/unknown column 'nope'/);
  });

  it('quotes column names in one place', () => {
    const f = compileToSql(parseExpression('x').ast!, { columns: {} });
    expect(() => f(event({}))).toThrow(/unknown column/);
    const weird = compileToSql(parseExpression('COALESCE(data.v, email)').ast!, {
      columns: { email: 'text' },
      column: (c) => (c === 'email' ? '"we""ird"' : c),
    });
    expect(weird(event({ v: 'x' })).sql).toBe('COALESCE($1::text, "we""ird")');
  });
});

describe('SQL injection', () => {
  const evil = [
    "'; DROP TABLE users; --",
    "x'); DELETE FROM users; --",
    '$1); DROP TABLE users; --',
    '"; DROP TABLE users; --',
    "\\'; DROP TABLE users; --",
  ];

  it.each(evil)('event data %j is bound, stored verbatim and never executed', async (payload) => {
    await db.exec(
      `DROP TABLE IF EXISTS users; CREATE TABLE users (id text primary key, email text, note text); INSERT INTO users VALUES ('u-1', 'old@x', null)`,
    );
    const context: SqlContext = { columns: { id: 'text', email: 'text', note: 'text' } };
    const scope = event({ email: payload, note: payload }, { aggregate_id: 'u-1' });
    const set = compileToSql(parseExpression('COALESCE(data.email, email)').ast!, context)(scope);
    const note = compileToSql(parseExpression("CONCAT(data.note, ' ', LOWER(data.note))").ast!, context)(scope, set.nextParam);
    const where = compileToSql(parseExpression('id = aggregate_id').ast!, context)(scope, note.nextParam);
    expect(`${set.sql} ${note.sql} ${where.sql}`).not.toContain(payload);
    await db.query(`UPDATE users SET email = ${set.sql}, note = ${note.sql} WHERE ${where.sql}`, [
      ...set.values,
      ...note.values,
      ...where.values,
    ]);
    const rows = (await db.query<{ email: string; note: string }>('SELECT email, note FROM users')).rows;
    expect(rows).toEqual([{ email: payload, note: `${payload} ${payload.toLowerCase()}` }]);
  });
});

describe('toColumnType', () => {
  it('stores values into typed columns as the evaluator computed them', async () => {
    await db.exec(
      `DROP TABLE IF EXISTS t; CREATE TABLE t (n numeric(30,20), i integer, f double precision, s text, v varchar(20), ts timestamptz, j jsonb, b boolean, u uuid)`,
    );
    const context: SqlContext = { columns: {} };
    const scope = event({
      a: 0.1,
      b: 0.2,
      half: 2.5,
      tiny: 1e-7,
      at: '2024-03-04T05:06:07.089Z',
      list: [1, 'x'],
      yes: true,
      id: '0190a8b0-0000-7000-8000-000000000000',
    });
    const cols: [string, string, string][] = [
      ['n', 'numeric(30,20)', 'data.a + data.b'],
      ['i', 'integer not null', 'data.half'],
      ['f', 'double precision', 'data.a + data.b'],
      ['s', 'text', 'data.tiny'],
      ['v', 'varchar(20)', 'data.yes'],
      ['ts', 'timestamptz', 'data.at'],
      ['j', 'jsonb', 'data.list'],
      ['b', 'boolean', 'data.yes'],
      ['u', 'uuid', 'data.id'],
    ];
    let next = 1;
    const values: unknown[] = [];
    const parts = cols.map(([, type, text]) => {
      const f = compileToSql(parseExpression(text).ast!, context)(scope, next);
      next = f.nextParam;
      values.push(...f.values);
      return toColumnType(f.sql, f.type, type);
    });
    await db.query(`INSERT INTO t (${cols.map(([c]) => c).join(', ')}) VALUES (${parts.join(', ')})`, values);
    const row = (
      await db.query<Record<string, unknown>>(
        `SELECT n::text, i, f, s, v, to_char(ts AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS ts, j, b, u FROM t`,
      )
    ).rows[0];
    expect(row).toEqual({
      n: '0.30000000000000004000',
      i: 3,
      f: 0.30000000000000004,
      s: '1e-7',
      v: 'true',
      ts: '2024-03-04T05:06:07.089Z',
      j: [1, 'x'],
      b: true,
      u: '0190a8b0-0000-7000-8000-000000000000',
    });
  });

  it('casts a NULL to the column type', () => {
    expect(toColumnType('NULL', 'null', 'numeric(10,2) not null')).toBe('NULL::numeric(10,2)');
  });

  it.each([
    ['text primary key', 'text', 'text'],
    ['NUMERIC(10, 2)', 'numeric', 'numeric(10, 2)'],
    ['double precision', 'float8', 'double precision'],
    ['bigserial', 'integer', 'bigint'],
    ['serial', 'integer', 'integer'],
    ['timestamp with time zone default now()', 'timestamptz', 'timestamp with time zone'],
    ['timestamp', 'timestamp', 'timestamp'],
    ['character varying(40)', 'text', 'character varying(40)'],
    ['jsonb not null', 'jsonb', 'jsonb'],
    ['bool', 'boolean', 'bool'],
    ['uuid', 'other', 'uuid'],
  ])('%s is a %s column of type %s', (declared, cls, base) => {
    expect(columnClass(declared)).toBe(cls);
    expect(baseType(declared)).toBe(base);
  });
});

describe('reading columns', () => {
  it('reads numbers as float8, timestamps as ISO text and JSON null as NULL', async () => {
    await db.exec(
      `DROP TABLE IF EXISTS r; CREATE TABLE r (n numeric, at timestamptz, doc jsonb, d date); INSERT INTO r VALUES (0.1, '2024-01-02 03:04:05.6+00', 'null', '2024-02-03')`,
    );
    const context: SqlContext = { columns: { n: 'numeric', at: 'timestamptz', doc: 'jsonb', d: 'date' } };
    const scope = event({});
    const value = async (text: string) => {
      const f = compileToSql(parseExpression(text).ast!, context)(scope);
      return (await db.query<{ v: unknown }>(`SELECT (${f.sql}) AS v FROM r`, f.values)).rows[0]!.v;
    };
    expect(await value('n + 0.2')).toBe(0.30000000000000004);
    expect(await value('at')).toBe('2024-01-02T03:04:05.600Z');
    expect(await value('at < timestamp')).toBe(true);
    expect(await value('doc IS NULL')).toBe(true);
    expect(await value('d')).toBe('2024-02-03');
  });
});
