/**
 * Issue 4, acceptance 4: a rebuild of 100,000 events on PostgreSQL runs while queries keep
 * answering from the old table, and commands appended meanwhile are in the rebuilt table. A
 * second process's rebuild is refused with 409. (Its speed is measured by the benchmark, not here.)
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { AppConfig } from '../../src/config/schema/index.js';
import { openEventStore } from '../../src/store/index.js';
import type { EventStore } from '../../src/store/EventStore.js';
import { createTestDatabase } from '../support/postgres.js';
import { startTestApp, type TestApp } from '../http/helpers.js';
import { eventually, modelOf } from './helpers.js';

const EVENTS = 100_000;

const app = (url: string) => `
event_store = { type = "postgresql", connection = "${url}" }
aggregates = {
    user = {
        commands = {
            Register = { creates = true, input = { email = "string", plan = "string" }, emits = "Registered" }
            ChangePlan = { input = { plan = "string" }, emits = "PlanChanged" }
        }
    }
}
projections = {
    users = {
        table = "users"
        events = ["Registered", "PlanChanged"]
        mapping = {
            Registered = { action = "insert", fields = { email = "data.email", plan = "data.plan", changes = "0", registered_at = "timestamp" } }
            PlanChanged = { action = "update", fields = { plan = "data.plan", changes = "changes + 1" } }
        }
    }
}
`;

let model: AppConfig;
let store: EventStore;
let server: TestApp;

beforeAll(async () => {
  const url = await createTestDatabase(inject('pgUrl'));
  model = await modelOf(app(url));
  store = await openEventStore(model.event_store);
  const pending: Promise<unknown>[] = [];
  for (let i = 0; i < EVENTS; i++) {
    const data = { email: `user${i}@example.com`, plan: 'free' };
    pending.push(
      store.append({
        streamType: 'user',
        streamId: `u${i}`,
        expectedVersion: 'no_stream',
        events: [{ id: randomUUID(), type: 'Registered', eventVersion: 1, data, metadata: {}, timestamp: new Date() }],
      }),
    );
    if (pending.length === 2000) await Promise.all(pending.splice(0));
  }
  await Promise.all(pending);
  // the new inline projection is built from the log before the server listens
  server = await startTestApp(model);
}, 300_000);
afterAll(async () => {
  await server?.close();
  await store?.close();
});

describe('rebuild of 100,000 events', () => {
  it('answers queries from the old table while it runs, and keeps the commands appended meanwhile', async () => {
    expect((await server.api('GET', '/projections/users/u99999')).body).toMatchObject({
      email: 'user99999@example.com',
      plan: 'free',
      changes: 0,
    });

    const started = await server.api('POST', '/projections/users/rebuild');
    expect(started).toMatchObject({ status: 202, body: { projection: 'users', status: 'running' } });
    const running = () => server.api('GET', '/projections').then((r) => r.body.projections[0].rebuild.status === 'running');

    let answered = 0;
    let changed = 0;
    const expectedPlans = new Map<string, number>();
    while (await running()) {
      const id = `u${(answered * 7919) % EVENTS}`;
      const [row, page, command] = await Promise.all([
        server.api('GET', `/projections/users/${id}`),
        server.api('GET', '/projections/users?plan=free&limit=3&order=-email'),
        server.api('POST', `/aggregates/user/${id}/commands/ChangePlan`, { plan: 'pro' }),
      ]);
      expect(row.status).toBe(200);
      expect(row.body.email).toBe(`${id.replace('u', 'user')}@example.com`);
      expect(page.status).toBe(200);
      expect(page.body.rows).toHaveLength(3);
      expect(command.status).toBe(200);
      expectedPlans.set(id, (expectedPlans.get(id) ?? 0) + 1);
      answered++;
      changed++;
    }
    expect(answered).toBeGreaterThan(3);

    const status = (await server.api('GET', '/projections')).body.projections[0];
    expect(status.rebuild).toMatchObject({ status: 'completed' });
    expect(status.rebuild.events).toBeGreaterThanOrEqual(EVENTS);
    for (const [id, changes] of expectedPlans) {
      expect((await server.api('GET', `/projections/users/${id}`)).body).toMatchObject({ plan: 'pro', changes });
    }
    const pro = await server.api('GET', '/projections/users?plan=pro&limit=1000');
    expect(pro.body.rows).toHaveLength(expectedPlans.size);
    expect(changed).toBe([...expectedPlans.values()].reduce((a, b) => a + b, 0));
  });

  it('refuses with 409 REBUILD_RUNNING while another process rebuilds the projection', async () => {
    expect(await store.acquireLease('projection-rebuild:users', 'another-process', 60_000)).toBeTypeOf('number');
    try {
      expect(await server.api('POST', '/projections/users/rebuild?wait=true')).toMatchObject({
        status: 409,
        body: { error: { code: 'REBUILD_RUNNING' } },
      });
    } finally {
      await store.releaseLease('projection-rebuild:users', 'another-process');
    }
    const done = await server.api('POST', '/projections/users/rebuild?wait=true');
    expect(done).toMatchObject({ status: 200, body: { status: 'completed' } });
    await eventually(
      () => server.api('GET', '/metrics').then((r) => String(r.body)),
      (m) => /tusk_projection_rebuilds_total\{projection="users",outcome="completed"\} 2/.test(m),
      'rebuild metrics',
    );
  });
});
