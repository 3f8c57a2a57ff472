import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadTsk, parseTsk } from '../../src/tsk/index.js';
import { summarize } from './helpers.js';

const dir = join(import.meta.dirname, '../fixtures/seeds');
const fixtures = readdirSync(dir).filter((f) => f.endsWith('.tsk'));

describe('seed fixtures', () => {
  it('has every block the seeds contain', () => {
    expect(fixtures.length).toBe(22);
    expect(fixtures).toContain('000_event_sourcing_data.tsk');
    expect(fixtures).toContain('003_event_driven.tsk');
  });

  it.each(fixtures)('%s parses with no syntax error', (name) => {
    const { ast, diagnostics } = parseTsk(readFileSync(join(dir, name), 'utf8'), name);
    expect(diagnostics).toEqual([]);
    expect(ast?.items.length).toBeGreaterThan(0);
  });

  const check = async (name: string) => summarize((await loadTsk(join(dir, name), { mode: 'check', env: {} })).diagnostics);

  it('000_all: only the two @env without default, as warnings', async () => {
    expect(await check('000_all.tsk')).toEqual([
      '5:22 warning TSK_ENV_NOT_SET DATABASE_URL is not set',
      '62:26 warning TSK_ENV_NOT_SET EVENT_STORE_DB_URL is not set',
    ]);
  });

  it('001_all: the in-string @env calls are evaluated and located inside the quotes', async () => {
    expect(await check('001_all.tsk')).toEqual([
      '5:17 warning TSK_ENV_NOT_SET DB_HOST is not set',
      '7:21 warning TSK_ENV_NOT_SET DB_NAME is not set',
      '8:21 warning TSK_ENV_NOT_SET DB_USER is not set',
      '9:21 warning TSK_ENV_NOT_SET DB_PASSWORD is not set',
    ]);
    const doc = await loadTsk(join(dir, '001_all.tsk'), { mode: 'check', env: { DB_HOST: 'db' } });
    expect(doc.value.event_store).toMatchObject({ connection: { host: 'db', port: 5432 } });
  });

  it('002_all: only the secure password without default', async () => {
    expect(await check('002_all.tsk')).toEqual(['13:11 warning TSK_ENV_NOT_SET EVENT_STORE_PASSWORD is not set']);
  });

  it('003_all: five located @go errors', async () => {
    const msg = 'error TSK_UNSUPPORTED_OPERATOR unsupported operator @go (supported: @env, @env.secure, @query, @file, @date)';
    expect(await check('003_all.tsk')).toEqual([`2:14 ${msg}`, `3:16 ${msg}`, `4:14 ${msg}`, `5:8 ${msg}`, `6:9 ${msg}`]);
  });

  it('000_event_sourcing_data keeps its four @query calls deferred', async () => {
    const doc = await loadTsk(join(dir, '000_event_sourcing_data.tsk'), { mode: 'check', env: {} });
    const data = doc.value.event_sourcing_data as Record<string, unknown>;
    expect(Object.keys(data)).toEqual(['event_streams', 'aggregate_snapshots', 'projection_tables', 'event_statistics']);
    expect(JSON.stringify(data.event_streams)).toMatch(/^"@query\(\\n\s+SELECT/);
  });

  it('in serve mode an unset @env without default is an error', async () => {
    const doc = await loadTsk(join(dir, '000_event_sourcing.tsk'), { mode: 'serve', env: {} });
    expect(summarize(doc.diagnostics)).toEqual(['5:22 error TSK_ENV_NOT_SET DATABASE_URL is not set']);
  });
});
