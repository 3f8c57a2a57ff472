/**
 * Issue 13, faults 1, 5 and 6 (the HTTP side): each reproduction against the default app
 * (config/app.tsk), on PostgreSQL and on the embedded store. Every answer is a 4xx in the
 * catalog envelope, and nothing is written by a refused request.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createTestDatabase } from '../support/postgres.js';
import { answersOf, defaultAppModel, rawRequest } from './defaultApp.js';
import { startTestApp, type ApiResponse, type TestApp } from './helpers.js';

const TOKEN = 'hostile-token';
const auth = { authorization: `Bearer ${TOKEN}` };

/** A nested array `depth` levels deep. */
const deep = (depth: number): string => '['.repeat(depth) + ']'.repeat(depth);
/** Random text of `n` characters that does not compress (so PostgreSQL cannot shrink its index entry). */
const noise = (n: number): string => randomBytes(n).toString('base64url').slice(0, n);

function expectError(res: ApiResponse, status: number, code: string): void {
  expect({ status: res.status, code: res.body?.error?.code }).toEqual({ status, code });
  expect(Object.keys(res.body)).toEqual(['error']);
  expect(typeof res.body.error.message).toBe('string');
}

describe.each(['postgresql', 'embedded'] as const)('hostile input on the %s store', (kind) => {
  let t: TestApp;
  const post = (path: string, body?: unknown, headers: Record<string, string> = {}) => t.api('POST', path, body, { ...auth, ...headers });
  const get = (path: string) => t.api('GET', path, undefined, auth);
  const head = async () => (await get('/events?limit=1000')).body.events.length as number;

  beforeAll(async () => {
    const store =
      kind === 'postgresql'
        ? { type: 'postgresql', connection: await createTestDatabase(inject('pgUrl')) }
        : { type: 'embedded', data_dir: 'memory://' };
    t = await startTestApp(await defaultAppModel(store, { auth: { tokens: [TOKEN] } }));
  });
  afterAll(async () => {
    await t?.close();
  });

  describe('fault 1: what answered 500 answers 400', () => {
    it('refuses 5,000-deep JSON in a saga start body and in any/array/object fields, and accepts the deepest allowed', async () => {
      const before = await head();
      expectError(await post('/sagas/order_processing_saga', `{"a":${deep(5000)}}`), 400, 'JSON_TOO_DEEP');
      for (const field of ['body', 'list', 'meta']) {
        const value = field === 'meta' ? `{"x":${deep(5000)}}` : deep(5000);
        const res = await post('/aggregates/doc/commands/CreateDoc', `{"tag":"t-${field}","${field}":${value}}`);
        expectError(res, 400, 'JSON_TOO_DEEP');
        expect(res.body.error.details.max).toBe(64);
      }
      expect(await head()).toBe(before);
      // 64 levels in all: the body object and 63 nested arrays
      expect((await post('/aggregates/doc/commands/CreateDoc', `{"tag":"deep-ok","body":${deep(63)}}`)).status).toBe(200);
      expect((await post('/aggregates/doc/commands/CreateDoc', `{"tag":"deep-no","body":${deep(64)}}`)).status).toBe(400);
    });

    it('claims a unique value of any length, and it stays unique', async () => {
      const email = `${noise(3000)}@example.com`;
      // the email format caps an address at 254 characters: a 400 naming the field, not a 500
      const longEmail = await post('/aggregates/user/commands/CreateUser', { email, name: 'x' });
      expectError(longEmail, 400, 'INVALID_INPUT');
      expect(longEmail.body.error.details).toEqual([{ field: 'email', message: 'must be an email address' }]);
      const sku = noise(12_000)
        .toUpperCase()
        .replace(/[^A-Z0-9]/g, '-');
      const first = await post('/aggregates/product/commands/CreateProduct', { sku, name: 'a', price: 1, stock: 1 });
      expect(first.status).toBe(200);
      expectError(
        await post('/aggregates/product/commands/CreateProduct', { sku, name: 'b', price: 1, stock: 1 }),
        409,
        'UNIQUE_VIOLATION',
      );
      // one character more is another value
      expect((await post('/aggregates/product/commands/CreateProduct', { sku: `${sku}X`, name: 'c', price: 1, stock: 1 })).status).toBe(
        200,
      );
      const tag = noise(20_000);
      const doc = await post('/aggregates/doc/commands/CreateDoc', { tag });
      expect(doc.status).toBe(200);
      expectError(await post('/aggregates/doc/commands/CreateDoc', { tag }), 409, 'UNIQUE_VIOLATION');
      // releasing it (a new tag) frees the long value for another doc
      expect((await post(`/aggregates/doc/${doc.body.aggregate_id}/commands/Retag`, { tag: 'short' })).status).toBe(200);
      expect((await post('/aggregates/doc/commands/CreateDoc', { tag })).status).toBe(200);
    });

    it('refuses a lone UTF-16 surrogate with INVALID_TEXT naming the path', async () => {
      const before = await head();
      const res = await post('/aggregates/user/commands/CreateUser', '{"email":"s@example.com","name":"a\\ud800b"}');
      expectError(res, 400, 'INVALID_TEXT');
      expect(res.body.error.details).toEqual({ path: '$.name' });
      expectError(await post('/aggregates/doc/commands/CreateDoc', '{"tag":"x","meta":{"k\\udc00":1}}'), 400, 'INVALID_TEXT');
      expectError(await post('/aggregates/doc/commands/CreateDoc', '{"tag":"x","list":["a\\u0000b"]}'), 400, 'INVALID_TEXT');
      expect(await head()).toBe(before);
    });

    it('refuses versions and positions past a PostgreSQL integer', async () => {
      const user = await post('/aggregates/user/commands/CreateUser', { email: 'v@example.com', name: 'v' });
      const id = user.body.aggregate_id;
      expectError(await get(`/aggregates/user/${id}?version=2147483648`), 400, 'BAD_REQUEST');
      expectError(await get(`/aggregates/user/${id}/events?from=2147483648`), 400, 'BAD_REQUEST');
      expectError(await get(`/aggregates/user/${id}/events?to=99999999999`), 400, 'BAD_REQUEST');
      expectError(
        await post(`/aggregates/user/${id}/commands/UpdateUser`, { name: 'w' }, { 'if-match': '2147483648' }),
        400,
        'BAD_REQUEST',
      );
      expect((await get(`/aggregates/user/${id}?version=2147483647`)).status).toBe(200);
    });

    it('refuses arithmetic that overflows a number with 422 NUMBER_OUT_OF_RANGE, writing nothing (the fuzz suite found a 500)', async () => {
      const before = await head();
      // total = quantity * unit_price: 2 * 1e308 is past a double
      const res = await post('/aggregates/order/commands/CreateOrder', {
        customer_id: 'c',
        product_id: 'p',
        quantity: 2,
        unit_price: 1e308,
      });
      expectError(res, 422, 'NUMBER_OUT_OF_RANGE');
      // (no accepted order here: its saga would write in the background, under the next tests' counts)
      expect(await head()).toBe(before);
    });

    it('refuses dates PostgreSQL cannot hold and dates that do not exist', async () => {
      const user = await post('/aggregates/user/commands/CreateUser', { email: 'd@example.com', name: 'd' });
      const id = user.body.aggregate_id;
      for (const asOf of [
        '0000-01-01',
        '2024-02-30',
        '2023-02-29',
        '2024-13-01',
        '2024-01-01T24:00:00Z',
        '10000-01-01',
        '2024-01-01T00:00:00+16:00',
      ]) {
        expectError(await get(`/aggregates/user/${id}?as_of=${encodeURIComponent(asOf)}`), 400, 'BAD_REQUEST');
      }
      for (const asOf of ['9999-12-31T23:59:59.999Z', '2999-01-01T10:00:00+02:00', '2999-01-01 10:00', '2999-01-01T10:00:00.5-0530']) {
        expect((await get(`/aggregates/user/${id}?as_of=${encodeURIComponent(asOf)}`)).status).toBe(200);
      }
      // real dates before the user existed: no state then
      for (const asOf of ['2024-02-29', '0001-01-01'])
        expectError(await get(`/aggregates/user/${id}?as_of=${asOf}`), 404, 'STREAM_NOT_FOUND');
      const res = await post('/aggregates/doc/commands/CreateDoc', { tag: 'when', at: '2024-02-30' });
      expectError(res, 400, 'INVALID_INPUT');
    });
  });

  describe('fault 5: every answer is in the catalog envelope', () => {
    it('a bad %-escape, a 10k-character id, a NUL in the path', async () => {
      expectError(await get('/aggregates/user/%ZZ'), 400, 'BAD_REQUEST');
      expectError(await get(`/aggregates/user/${'a'.repeat(10_000)}`), 400, 'ID_TOO_LONG');
      expectError(await post(`/aggregates/user/${'a'.repeat(257)}/commands/UpdateUser`, { name: 'x' }), 400, 'ID_TOO_LONG');
      expect((await get(`/aggregates/user/${'a'.repeat(256)}`)).status).toBe(404);
      const nul = await get('/aggregates/user/a%00b');
      expectError(nul, 400, 'INVALID_TEXT');
      expect(nul.body.error.message).toContain('NUL');
      expectError(await get('/events?type=A%00'), 400, 'INVALID_TEXT');
    });

    it('an Idempotency-Key longer than an id, or with other than visible ASCII', async () => {
      const before = await head();
      const create = (key: string) =>
        post('/aggregates/user/commands/CreateUser', { email: 'k@example.com', name: 'k' }, { 'idempotency-key': key });
      expectError(await create('k'.repeat(3000)), 400, 'ID_TOO_LONG');
      expectError(await post('/sagas/order_processing_saga', {}, { 'idempotency-key': 'k'.repeat(3000) }), 400, 'ID_TOO_LONG');
      // it becomes an index key and a saga step sends it on as a header: no space, control or non-ASCII character
      for (const [key, bad] of [
        ['a b', ' '],
        ['a\tb', '\t'],
        ['caf\u00e9', '\u00e9'],
      ] as const) {
        const res = await create(key);
        expectError(res, 400, 'BAD_REQUEST');
        expect(res.body.error.message).toContain('Idempotency-Key header may hold only visible ASCII');
        expect(res.body.error.details).toEqual({ header: 'Idempotency-Key', index: key.indexOf(bad) });
        expectError(await post('/sagas/order_processing_saga', {}, { 'idempotency-key': key }), 400, 'BAD_REQUEST');
      }
      expect(await head()).toBe(before);
      const punctuation = `!"#$%&'()*+,-./:;<=>?@[\\]^_\`{|}~`;
      const first = await create(punctuation);
      expect(first.status, JSON.stringify(first.body)).toBe(200);
      const again = await create(punctuation);
      expect(again.status, JSON.stringify(again.body)).toBe(200);
      expect(again.body.events[0].id).toBe(first.body.events[0].id);
    });

    it('an X-Correlation-Id or X-Causation-Id longer than an id, or with other than visible ASCII', async () => {
      const before = await head();
      const create = (headers: Record<string, string>) =>
        post('/aggregates/user/commands/CreateUser', { email: 'corr@example.com', name: 'c' }, headers);
      for (const header of ['X-Correlation-Id', 'X-Causation-Id']) {
        const long = await create({ [header]: 'c'.repeat(3000) });
        expectError(long, 400, 'ID_TOO_LONG');
        expect(long.body.error.details).toEqual({ header, length: 3000, max: 256 });
        for (const [value, bad] of [
          ['a b', ' '],
          ['a\tb', '\t'],
          ['caf\u00e9', '\u00e9'],
        ] as const) {
          const res = await create({ [header]: value });
          expectError(res, 400, 'BAD_REQUEST');
          expect(res.body.error.message).toContain(`${header} header may hold only visible ASCII`);
          expect(res.body.error.message).toContain(JSON.stringify(bad));
          expect(res.body.error.details).toEqual({ header, index: value.indexOf(bad) });
        }
      }
      expect(await head()).toBe(before);
      // the longest allowed (256), with every ASCII punctuation character, is stored as sent
      const id = `!"#$%&'()*+,-./:;<=>?@[\\]^_\`{|}~`.padStart(256, 'c');
      const ok = await create({ 'X-Correlation-Id': id, 'X-Causation-Id': 'cause-1' });
      expect(ok.status, JSON.stringify(ok.body)).toBe(200);
      expect(ok.body.events[0].metadata).toMatchObject({ correlation_id: id, causation_id: 'cause-1' });
    });

    it('a lying Content-Length and a bare CR in a header', async () => {
      const body = '{"email":"cl@example.com","name":"x"}';
      const shorter = answersOf(
        await rawRequest(
          t.url,
          `POST /aggregates/user/commands/CreateUser HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${TOKEN}\r\nContent-Type: application/json\r\nContent-Length: 3\r\n\r\n${body}`,
        ),
      );
      expect(shorter.length).toBeGreaterThan(0);
      // the rest of the body is read as a next request, which is not HTTP
      for (const a of shorter) expect([a.status, a.body.error.code]).toEqual([400, 'BAD_REQUEST']);
      for (const header of ['X-A: a\rb', 'X-A: a\nb', 'X A: b']) {
        const answers = answersOf(await rawRequest(t.url, `GET /health HTTP/1.1\r\nHost: x\r\n${header}\r\n\r\n`));
        expect(answers.map((a) => [a.status, a.body.error.code])).toEqual([[400, 'BAD_REQUEST']]);
      }
      const huge = answersOf(await rawRequest(t.url, `GET /health HTTP/1.1\r\nHost: x\r\nX-A: ${'a'.repeat(20_000)}\r\n\r\n`));
      expect(huge.map((a) => [a.status, a.body.error.code])).toEqual([[431, 'HEADERS_TOO_LARGE']]);
      expect((await get('/aggregates/user/commands/CreateUser')).status).toBe(404);
      expect(
        (await get('/events?type=UserCreated')).body.events.some((e: { data: { email: string } }) => e.data.email === 'cl@example.com'),
      ).toBe(false);
    });

    it('bad JSON, an empty-looking body, an unsupported media type', async () => {
      expectError(await post('/aggregates/user/commands/CreateUser', '{"email":'), 400, 'BAD_REQUEST');
      expectError(
        await post('/aggregates/user/commands/CreateUser', 'email=a', { 'content-type': 'application/x-www-form-urlencoded' }),
        415,
        'UNSUPPORTED_MEDIA_TYPE',
      );
      expectError(await post('/aggregates/user/commands/CreateUser', 'a', { 'content-type': 'text/plain' }), 415, 'UNSUPPORTED_MEDIA_TYPE');
      expectError(
        await post('/aggregates/user/commands/CreateUser', '{}', { 'content-type': 'application/json; charset=latin1' }),
        415,
        'UNSUPPORTED_MEDIA_TYPE',
      );
    });

    it('a 401 carries WWW-Authenticate: Bearer', async () => {
      for (const headers of [{} as Record<string, string>, { authorization: 'Bearer wrong' }, { authorization: 'Basic abc' }]) {
        const res = await t.api('GET', '/events', undefined, headers);
        expectError(res, 401, 'UNAUTHORIZED');
        expect(res.headers.get('www-authenticate')).toMatch(/^Bearer\b/);
      }
    });
  });

  describe('fault 6: nothing is parsed leniently', () => {
    it('email is strict and linear', async () => {
      const started = Date.now();
      const res = await post('/aggregates/user/commands/CreateUser', { email: `a@${'a.'.repeat(100_000)}!`, name: 'x' });
      expectError(res, 400, 'INVALID_INPUT');
      expect(Date.now() - started).toBeLessThan(30_000);
      for (const email of ['a@b', 'a@b.c!', 'a b@c.io', '@c.io', 'a@-b.io', 'a@b..io', `${'a'.repeat(65)}@b.io`]) {
        expectError(await post('/aggregates/user/commands/CreateUser', { email, name: 'x' }), 400, 'INVALID_INPUT');
      }
      expect((await post('/aggregates/user/commands/CreateUser', { email: "o'neil+tag@mail.example.co", name: 'o' })).status).toBe(200);
    });

    it('a body with invalid UTF-8 is refused, not altered', async () => {
      const before = await head();
      const bytes = Buffer.concat([Buffer.from('{"email":"u@example.com","name":"a'), Buffer.from([0xff, 0xfe]), Buffer.from('b"}')]);
      const res = await fetch(`${t.url}/aggregates/user/commands/CreateUser`, {
        method: 'POST',
        headers: { ...auth, 'content-type': 'application/json' },
        body: bytes,
      });
      expect(res.status).toBe(400);
      expect(((await res.json()) as { error: { code: string } }).error.code).toBe('INVALID_TEXT');
      expect(await head()).toBe(before);
    });

    it('a Content-Encoding is refused with 415', async () => {
      const before = await head();
      for (const encoding of ['gzip', 'br', 'deflate, gzip']) {
        expectError(
          await post('/aggregates/user/commands/CreateUser', { email: 'g@example.com', name: 'g' }, { 'content-encoding': encoding }),
          415,
          'UNSUPPORTED_MEDIA_TYPE',
        );
      }
      expect(await head()).toBe(before);
      expect(
        (await post('/aggregates/user/commands/CreateUser', { email: 'g@example.com', name: 'g' }, { 'content-encoding': 'identity' }))
          .status,
      ).toBe(200);
    });

    it('a __proto__ key is refused with a precise message, at any depth', async () => {
      const top = await post('/aggregates/user/commands/CreateUser', '{"__proto__":{"admin":true},"email":"p@example.com","name":"p"}');
      expectError(top, 400, 'FORBIDDEN_KEY');
      expect(top.body.error.message).toContain('__proto__');
      expect(top.body.error.message).not.toContain('not valid JSON');
      expectError(await post('/aggregates/doc/commands/CreateDoc', '{"tag":"p","meta":{"a":[{"__proto__":1}]}}'), 400, 'FORBIDDEN_KEY');
      expect(({} as { admin?: boolean }).admin).toBeUndefined();
      // a key named constructor or prototype is plain data
      expect((await post('/aggregates/doc/commands/CreateDoc', '{"tag":"c","meta":{"constructor":{"prototype":{"x":1}}}}')).status).toBe(
        200,
      );
    });
  });
});
