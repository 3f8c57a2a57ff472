/**
 * Issue 13 faults 3 and 4 over real HTTP: hostile values and hostile configs hit a limit with a
 * catalog error (413/422) instead of blocking the server, and nothing is written.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appSchema } from '../../src/config/schema/index.js';
import { startTestApp, type TestApp } from './helpers.js';

let t: TestApp;

beforeAll(async () => {
  const model = appSchema.parse({
    event_store: { type: 'embedded', data_dir: 'memory://' },
    server: { body_limit: '1MB' },
    limits: { event_data: '4KB', state: '16KB', string_length: 2000 },
    aggregates: {
      blob: {
        state: { s: 'ab', nest: [] },
        commands: {
          Start: { creates: true, emits: 'Started' },
          Double: { emits: 'Doubled' },
          Nest: { emits: 'Nested' },
          Put: { input: { text: 'string' }, emits: 'Put' },
          Name: { input: { name: { type: 'string', pattern: '^(a+)+$' } }, emits: 'Named' },
        },
        apply: {
          Doubled: { s: 'CONCAT(s, s)' },
          Nested: { nest: 'APPEND(APPEND(nest, nest), nest)' },
          Put: { texts: 'APPEND(COALESCE(texts, []), data.text)' },
        },
      },
    },
  });
  t = await startTestApp(model);
});
afterAll(async () => {
  await t?.close();
});

const post = (path: string, body: unknown = {}) => t.api('POST', path, body);
const version = async (id: string) => (await t.api('GET', `/aggregates/blob/${id}`)).body.version as number;

describe('limits over HTTP', () => {
  it('CONCAT(s, s) stops at limits.string_length with 422 STRING_TOO_LONG, and nothing is written', async () => {
    await post('/aggregates/blob/b1/commands/Start');
    let res = await post('/aggregates/blob/b1/commands/Double');
    let doubled = 0;
    while (res.status === 200) {
      doubled++;
      expect(doubled).toBeLessThan(20);
      res = await post('/aggregates/blob/b1/commands/Double');
    }
    // 'ab' doubled 9 times is 1024 characters; the 10th would be 2048 > 2000
    expect(doubled).toBe(9);
    expect(res.status).toBe(422);
    expect(res.body.error).toMatchObject({ code: 'STRING_TOO_LONG', details: { limit: 'limits.string_length', max: 2000 } });
    expect(await version('b1')).toBe(1 + 9);
  });

  it('state that grows past limits.state (nested APPEND) is 422 STATE_TOO_LARGE, and nothing is written', async () => {
    await post('/aggregates/blob/b2/commands/Start');
    let res = await post('/aggregates/blob/b2/commands/Nest');
    let nested = 0;
    while (res.status === 200) {
      nested++;
      expect(nested).toBeLessThan(30);
      res = await post('/aggregates/blob/b2/commands/Nest');
    }
    expect(res.status).toBe(422);
    expect(res.body.error).toMatchObject({ code: 'STATE_TOO_LARGE', details: { limit: 'limits.state', max: 16 * 1024 } });
    expect(await version('b2')).toBe(1 + nested);
    // the stream still works: a command that keeps the state under the limit is accepted
    expect((await post('/aggregates/blob/b2/commands/Put', { text: 'small' })).status).toBe(200);
  });

  it('event data larger than limits.event_data is 413 EVENT_TOO_LARGE, and nothing is written', async () => {
    await post('/aggregates/blob/b3/commands/Start');
    expect((await post('/aggregates/blob/b3/commands/Put', { text: 'x'.repeat(3000) })).status).toBe(200);
    const res = await post('/aggregates/blob/b3/commands/Put', { text: 'x'.repeat(5000) });
    expect(res.status).toBe(413);
    expect(res.body.error).toMatchObject({ code: 'EVENT_TOO_LARGE', details: { limit: 'limits.event_data', max: 4096 } });
    expect(await version('b3')).toBe(2);
  });

  it('a pattern such as ^(a+)+$ answers a hostile value at once (RE2 semantics), and the server keeps serving', async () => {
    await post('/aggregates/blob/b4/commands/Start');
    const hostile = await post('/aggregates/blob/b4/commands/Name', { name: `${'a'.repeat(32)}!` });
    expect(hostile.status).toBe(400);
    expect(hostile.body.error).toMatchObject({ code: 'INVALID_INPUT', details: [{ field: 'name', message: 'must match ^(a+)+$' }] });
    const long = await post('/aggregates/blob/b4/commands/Name', { name: `${'a'.repeat(100_000)}!` });
    expect(long.status).toBe(400);
    expect((await post('/aggregates/blob/b4/commands/Name', { name: 'aaaa' })).status).toBe(200);
  });
});
