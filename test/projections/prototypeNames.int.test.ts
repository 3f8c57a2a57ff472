/**
 * Event types named like Object.prototype's members (`toString`, `constructor`, `__proto__`:
 * legal names in .tsk) are event types like any other: a projection's mapping of them is
 * looked up as an own key, never found on the prototype (which crashed the projection's
 * compilation: the app did not start). On PostgreSQL over HTTP: commands, the read model
 * (mapped and unmapped events), a rebuild, and the aggregate's fold.
 */
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createTestDatabase } from '../support/postgres.js';
import { startTestApp, type TestApp } from '../http/helpers.js';
import { eventually, modelOf } from './helpers.js';

let app: TestApp;

const APP = (url: string) => `
event_store = { type = "postgresql", connection = "${url}" }
aggregates = {
    thing = {
        state = { owner = "", pokes = 0, note = "" }
        commands = {
            Open = { creates = true, input = { owner = "string" }, emits = "toString" }
            Poke = { emits = "constructor" }
            Note = { input = { note = "string" }, emits = "__proto__" }
        }
        apply = {
            toString = { owner = "data.owner" }
            constructor = { pokes = "pokes + 1" }
        }
    }
}
projections = {
    things = {
        table = "things"
        events = ["toString", "constructor", "__proto__"]
        columns = { id = "text primary key", owner = "text", pokes = "integer", note = "text" }
        mapping = {
            constructor = { action = "update", fields = { pokes = "COALESCE(pokes, 0) + 1" } }
        }
    }
}
`;

beforeAll(async () => {
  app = await startTestApp(await modelOf(APP(await createTestDatabase(inject('pgUrl')))));
}, 120_000);

afterAll(async () => {
  await app?.close();
});

const command = async (id: string, name: string, input: unknown = {}) => {
  const res = await app.api('POST', `/aggregates/thing/${id}/commands/${name}`, input);
  expect(res.status, JSON.stringify(res.body)).toBe(200);
};

const EXPECTED = { id: 't1', owner: 'ann', pokes: 2, note: 'hello' };

describe('event types named like Object.prototype members', () => {
  it('are projected by their own mapping, or as unmapped events, and folded', async () => {
    await command('t1', 'Open', { owner: 'ann' });
    await command('t1', 'Poke');
    await command('t1', 'Poke');
    await command('t1', 'Note', { note: 'hello' });
    const row = await eventually(
      async () => (await app.api('GET', '/projections/things/t1')).body as Record<string, unknown>,
      (r) => r.note === 'hello',
      'the read model row after the __proto__ event',
      60_000,
    );
    expect(row).toMatchObject(EXPECTED);
    const state = (await app.api('GET', '/aggregates/thing/t1')).body.state as Record<string, unknown>;
    expect(state).toEqual({ owner: 'ann', pokes: 2, note: 'hello' });
    expect(Object.getPrototypeOf(state)).toBe(Object.prototype);
  });

  it('a rebuild writes the same row', async () => {
    const started = await app.api('POST', '/projections/things/rebuild');
    expect(started.status, JSON.stringify(started.body)).toBe(202);
    const status = await eventually(
      async () => (await app.api('GET', '/projections')).body.projections[0].rebuild as { status: string; events: number },
      (r) => r.status !== 'running',
      'the rebuild',
      60_000,
    );
    expect(status).toMatchObject({ status: 'completed', events: 4 });
    const row = (await app.api('GET', '/projections/things/t1')).body as Record<string, unknown>;
    expect(row).toMatchObject(EXPECTED);
  }, 60_000);
});
