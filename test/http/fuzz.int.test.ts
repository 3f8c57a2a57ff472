/**
 * Issue 13: the property-based HTTP fuzz suite. Requests are generated from the default app's
 * own model (test/http/fuzz/requests.ts) and sent to a started server over real HTTP, on the
 * embedded store and on PostgreSQL. Every answer must be a documented status, an error must be
 * the catalog envelope with the catalog status of its code (a 401 with WWW-Authenticate), no
 * answer is a 5xx, and a refused request writes nothing: the log head and the store's tables
 * are the same before and after it. Background services are not started, so that nothing but
 * the requests writes. TUSK_FUZZ_RUNS raises the number of requests per store (default 100);
 * TUSK_FUZZ_SEED replays a run.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { ERROR_CATALOG, type ErrorCode } from '../../src/errors.js';
import { FEATURES } from '../../src/runtime/features.js';
import type { Feature } from '../../src/runtime/Feature.js';
import type { Runtime } from '../../src/runtime/Runtime.js';
import { createTestDatabase } from '../support/postgres.js';
import { defaultAppModel } from './defaultApp.js';
import { requestsOf, type FuzzRequest, type KnownIds } from './fuzz/requests.js';
import { startTestApp, type TestApp } from './helpers.js';
import type { AppConfig } from '../../src/config/schema/index.js';

const RUNS = Number(process.env.TUSK_FUZZ_RUNS ?? 100);
const SEED = process.env.TUSK_FUZZ_SEED === undefined ? undefined : Number(process.env.TUSK_FUZZ_SEED);
const TOKEN = 'fuzz-token';
/** The statuses SPEC §9 and the README document, and the ones a generated request may get. */
const DOCUMENTED = new Set([200, 202, 400, 401, 404, 409, 413, 415, 422, 431]);

/**
 * The features of every app, with their background services registered but never started
 * (saga triggers and the saga scheduler would write on their own): then only requests write.
 */
const quietFeatures: readonly Feature[] = FEATURES.map((feature) => ({
  ...feature,
  install: async (runtime: Runtime) => {
    const addService = runtime.addService.bind(runtime);
    runtime.addService = async (service) => addService({ name: service.name, stop: () => service.stop() });
    try {
      await feature.install?.(runtime);
    } finally {
      runtime.addService = addService;
    }
  },
}));

/** fast-check prints the whole counterexample, which can be megabytes: keep its head (seed, path, start). */
async function shortFailure(run: Promise<void>): Promise<void> {
  try {
    await run;
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    throw new Error(message.length > 4000 ? `${message.slice(0, 4000)}… (${message.length} characters)` : message);
  }
}

describe.each(['embedded', 'postgresql'] as const)('HTTP fuzz on the %s store', (kind) => {
  let t: TestApp;
  let model: AppConfig;
  const known: Record<string, string[]> = {};

  beforeAll(async () => {
    const store =
      kind === 'postgresql'
        ? { type: 'postgresql', connection: await createTestDatabase(inject('pgUrl')) }
        : { type: 'embedded', data_dir: 'memory://' };
    model = await defaultAppModel(store, { auth: { tokens: [TOKEN] }, body_limit: '256KB' });
    t = await startTestApp(model, { features: quietFeatures });
    const make = async (type: string, command: string, input: unknown) => {
      const res = await t.api('POST', `/aggregates/${type}/commands/${command}`, input, { authorization: `Bearer ${TOKEN}` });
      expect(res.status).toBe(200);
      (known[type] ??= []).push(res.body.aggregate_id);
    };
    await make('user', 'CreateUser', { email: 'fuzz@example.com', name: 'fuzz' });
    await make('product', 'CreateProduct', { sku: 'FZ-1', name: 'p', price: 1, stock: 5 });
    await make('order', 'CreateOrder', { customer_id: 'c', product_id: known.product![0], quantity: 1, unit_price: 1 });
    await make('doc', 'CreateDoc', { tag: 'fuzz' });
  });
  afterAll(async () => {
    await t?.close();
  });

  /** What a refused request must leave as it was. */
  async function storeState(): Promise<string> {
    const store = t.started.runtime.store;
    const count = async (table: string) => (await store.query<{ n: string }>(`SELECT count(*)::text AS n FROM ${table}`)).rows[0]!.n;
    const tables = store.tables;
    return JSON.stringify([
      await store.headPosition(),
      await count(tables.uniques),
      await count(tables.idempotency),
      await count(tables.snapshots),
      await count(tables.table('saga_instances')),
    ]);
  }

  async function send(request: FuzzRequest): Promise<{ status: number; headers: Headers; text: string }> {
    const res = await fetch(`${t.url}${request.path}`, {
      method: request.method,
      headers: request.headers,
      ...(request.body === undefined || request.method === 'GET' || request.method === 'HEAD' ? {} : { body: request.body }),
    });
    return { status: res.status, headers: res.headers, text: await res.text() };
  }

  const statuses = new Map<number, number>();
  afterAll(() => {
    // what the run reached: a suite that only ever gets 400s tests the parser, not the engine
    if (process.env.TUSK_FUZZ_RUNS !== undefined)
      console.log(`fuzz ${kind}: statuses`, Object.fromEntries([...statuses].sort((a, b) => a[0] - b[0])));
  });

  it(
    `answers ${RUNS} generated requests with documented statuses in the catalog envelope, and a refusal writes nothing`,
    async () => {
      await shortFailure(
        fc.assert(
          fc.asyncProperty(requestsOf(model, known as KnownIds), async (request) => {
            const before = await storeState();
            const res = await send(request);
            statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
            const where = `${request.method} ${request.path.slice(0, 300)} -> ${res.status} ${res.text.slice(0, 300)}`;
            expect(DOCUMENTED.has(res.status), where).toBe(true);
            if (res.status < 400) return;
            if (request.method !== 'HEAD') {
              const body = JSON.parse(res.text) as { error: { code: ErrorCode; message: string; details?: unknown } };
              expect(Object.keys(body), where).toEqual(['error']);
              expect(
                Object.keys(body.error).filter((k) => k !== 'code' && k !== 'message' && k !== 'details'),
                where,
              ).toEqual([]);
              expect(typeof body.error.message, where).toBe('string');
              expect(ERROR_CATALOG[body.error.code]?.status, where).toBe(res.status);
            }
            if (res.status === 401) expect(res.headers.get('www-authenticate'), where).toMatch(/^Bearer/);
            expect(await storeState(), `a refused request wrote: ${where}`).toBe(before);
          }),
          { numRuns: RUNS, ...(SEED === undefined ? {} : { seed: SEED }), endOnFailure: RUNS > 1000 },
        ),
      );
    },
    60_000 + RUNS * 400,
  );
});
