import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DeferredQuery, formatPhpDate, loadTsk, redact } from '../../src/tsk/index.js';
import { load, summarize } from './helpers.js';

describe('@env', () => {
  it('gives the variable as a string, else the default with its type kept', async () => {
    const doc = await load('a = @env(A)\nb = @env("B", 5432)\nc = @env(\'C\', true)\nd = @env(D, "x")\n', {
      env: { A: 'from-env', D: '7' },
    });
    expect(doc.diagnostics).toEqual([]);
    expect(doc.value).toEqual({ a: 'from-env', b: 5432, c: true, d: '7' });
  });

  it('is a warning in check and print, an error in serve, when unset without default', async () => {
    for (const mode of ['check', 'print', 'serve'] as const) {
      const doc = await load('a = @env(NOPE)\n', { mode });
      expect(summarize(doc.diagnostics)).toEqual([`1:5 ${mode === 'serve' ? 'error' : 'warning'} TSK_ENV_NOT_SET NOPE is not set`]);
      expect(doc.value).toEqual({ a: null });
    }
  });

  it('a variable named like an Object.prototype member is unset, not the member', async () => {
    const doc = await load('a = @env(constructor, "d")\nb = @env(toString)\n', { mode: 'check', env: {} });
    expect(doc.value).toEqual({ a: 'd', b: null });
    expect(summarize(doc.diagnostics)).toEqual(['2:5 warning TSK_ENV_NOT_SET toString is not set']);
  });

  it('evaluates a quoted string that is one operator call', async () => {
    const doc = await load('port = "@env(\'DB_PORT\', 5432)"\n');
    expect(doc.value).toEqual({ port: 5432 });
  });

  it('rejects wrong arguments', async () => {
    const doc = await load('a = @env()\nb = @env(1)\nc = @env(A, 1, 2)\n');
    expect(summarize(doc.diagnostics).map((s) => s.split(' ').slice(0, 3).join(' '))).toEqual([
      '1:5 error TSK_OPERATOR_ARGS',
      '2:5 error TSK_OPERATOR_ARGS',
      '3:5 error TSK_OPERATOR_ARGS',
    ]);
  });
});

describe('@env.secure and redact', () => {
  it('marks the value secret, and redact replaces it (also inside longer strings)', async () => {
    const doc = await load(
      '$pw = @env.secure(PW)\npassword = $pw\nurl = "pg://u:" + $pw + "@h"\nother = "fine"\nport = @env.secure(PORT, 5432)\n',
      { env: { PW: 's3cret' } },
    );
    expect(doc.diagnostics).toEqual([]);
    expect([...doc.secrets].sort()).toEqual(['5432', 's3cret']);
    expect(redact(doc.value, doc.secrets)).toEqual({ password: '***', url: 'pg://u:***@h', other: 'fine', port: '***' });
    expect(doc.value.password).toBe('s3cret'); // redact copies, never mutates
  });
});

describe('@query', () => {
  it('stays a DeferredQuery without a runner (no diagnostic); JSON shows @query(sql)', async () => {
    const doc = await load('rows = @query("SELECT 1 WHERE a = $1", 5)\n');
    expect(doc.diagnostics).toEqual([]);
    const q = doc.value.rows as DeferredQuery;
    expect(q).toBeInstanceOf(DeferredQuery);
    expect(q.params).toEqual([5]);
    expect(q.location).toMatchObject({ line: 1, column: 8 });
    expect(JSON.stringify(doc.value)).toBe('{"rows":"@query(SELECT 1 WHERE a = $1)"}');
  });

  it('runs with a runner: rows, or the scalar for one row of one column; failures are located', async () => {
    const calls: unknown[] = [];
    const query = async (sql: string, params: readonly unknown[]) => {
      calls.push([sql, params]);
      if (sql.includes('boom')) throw new Error('relation "boom" does not exist');
      if (sql.includes('count')) return [{ count: 3 }];
      return [
        { a: 1, b: 2 },
        { a: 3, b: 4 },
      ];
    };
    const doc = await load(
      'x = {\n  rows = @query("SELECT a, b FROM t")\n  n = [@query("SELECT count(*) FROM t WHERE k = ?", "k")]\n  bad = @query("SELECT * FROM boom")\n}\n',
      { query },
    );
    expect(doc.value).toEqual({
      x: {
        rows: [
          { a: 1, b: 2 },
          { a: 3, b: 4 },
        ],
        n: [3],
        bad: null,
      },
    });
    expect(calls).toContainEqual(['SELECT count(*) FROM t WHERE k = ?', ['k']]);
    expect(summarize(doc.diagnostics)).toEqual(['4:9 error TSK_QUERY @query failed: relation "boom" does not exist']);
  });
});

describe('@file', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tsk-file-'));
  writeFileSync(join(dir, 'db.tsk'), 'db = {\n  host = "h"\n  port = @go(x)\n}\n');
  writeFileSync(join(dir, 'a.tsk'), 'b = @file("b.tsk")\n');
  writeFileSync(join(dir, 'b.tsk'), 'a = @file("a.tsk")\n');
  const main = join(dir, 'main.tsk');

  it('includes another file, or one dotted key of it (three spellings)', async () => {
    writeFileSync(main, 'all = @file("db.tsk")\nhost = @file.get("db.tsk", "db.host")\nspec = @db.tsk.get("db")\n');
    const doc = await loadTsk(main, { mode: 'check', env: {} });
    expect(doc.value).toEqual({ all: { db: { host: 'h', port: null } }, host: 'h', spec: { host: 'h', port: null } });
    // diagnostics of the included file keep its own locations (reported once: the file is loaded once)
    expect(doc.diagnostics.map((d) => [d.code, d.location?.file, d.location?.line, d.location?.column])).toEqual([
      ['TSK_UNSUPPORTED_OPERATOR', join(dir, 'db.tsk'), 3, 10],
    ]);
    // paths inside an included value point into the included file
    expect(doc.sourceMap.get(['spec', 'host'])?.key).toEqual({ file: join(dir, 'db.tsk'), line: 2, column: 3 });
  });

  it('reports a missing file and a missing key at the call', async () => {
    writeFileSync(main, 'a = @file("nope.tsk")\nb = @file.get("db.tsk", "db.nope")\n');
    const doc = await loadTsk(main, { mode: 'check', env: {} });
    expect(summarize(doc.diagnostics.filter((d) => d.code === 'TSK_FILE'))).toEqual([
      `1:5 error TSK_FILE cannot include ${join(dir, 'nope.tsk')}: file not found`,
      `2:5 error TSK_FILE ${join(dir, 'db.tsk')} has no key db.nope`,
    ]);
  });

  it('reports an include cycle with the chain', async () => {
    const doc = await loadTsk(join(dir, 'a.tsk'), { mode: 'check', env: {} });
    expect(doc.diagnostics).toHaveLength(1);
    expect(doc.diagnostics[0]).toMatchObject({ code: 'TSK_FILE', location: { file: join(dir, 'b.tsk'), line: 1, column: 5 } });
    expect(doc.diagnostics[0]?.message).toBe(`include cycle: ${join(dir, 'a.tsk')} -> ${join(dir, 'b.tsk')} -> ${join(dir, 'a.tsk')}`);
  });
});

describe('@date', () => {
  const now = new Date(Date.UTC(2024, 1, 29, 15, 4, 5, 678)); // a Thursday in a leap year

  it('formats with PHP date() letters in UTC', () => {
    const cases: [string, string][] = [
      ['Y-m-d H:i:s', '2024-02-29 15:04:05'],
      ['d j D l N w z', '29 29 Thu Thursday 4 4 59'],
      ['F M m n t L', 'February Feb 02 2 29 1'],
      ['y a A g G h H', '24 pm PM 3 15 03 15'],
      ['v u e T P O Z', '678 678000 UTC UTC +00:00 +0000 0'],
      ['c', '2024-02-29T15:04:05+00:00'],
      ['r', 'Thu, 29 Feb 2024 15:04:05 +0000'],
      ['U', String(Math.floor(now.getTime() / 1000))],
      ['jS W o', '29th 09 2024'],
      ['\\Y\\-Y', 'Y-2024'],
    ];
    for (const [format, expected] of cases) expect(formatPhpDate(format, now), format).toBe(expected);
    expect(formatPhpDate('W o', new Date(Date.UTC(2021, 0, 1)))).toBe('53 2020');
  });

  it('uses options.now', async () => {
    const doc = await load('today = @date("Y-m-d")\n', { now });
    expect(doc.value).toEqual({ today: '2024-02-29' });
  });
});

describe('unsupported operators', () => {
  it('are located errors with the exact message; evaluation goes on', async () => {
    const doc = await load('a = @metrics("x", 1)\nb = @learn.model(y)\nc = 2\n');
    expect(summarize(doc.diagnostics)).toEqual([
      '1:5 error TSK_UNSUPPORTED_OPERATOR unsupported operator @metrics (supported: @env, @env.secure, @query, @file, @date); metrics are built in: GET /metrics serves them for Prometheus',
      '2:5 error TSK_UNSUPPORTED_OPERATOR unsupported operator @learn.model (supported: @env, @env.secure, @query, @file, @date); there is no load-time learning; write the value, or read it with @env("NAME", default)',
    ]);
    expect(doc.value).toEqual({ a: null, b: null, c: 2 });
  });
});
