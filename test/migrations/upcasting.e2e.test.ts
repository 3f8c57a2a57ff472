/**
 * Issue 5, acceptance 1, with the real CLI: `tusk-es serve` writes v1 events under one
 * config; restarted with a config that adds v1→v2 and v2→v3, every read path — aggregate
 * state, the stream's event listing, the global log and the live stream — sees v3 data,
 * while `?raw=true` still shows what was stored at v1.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.js';
import { startServer, type ServerProcess } from '../support/server.js';

const V1_APP = `
aggregates {
    customer = {
        state = { status = "none" }
        commands = {
            Register = { creates = true, input = { name = "string", mail = "string", age = "integer" }, emits = "CustomerRegistered" }
        }
        apply = {
            CustomerRegistered = { status = "'active'", name = "data.name", mail = "data.mail", age = "data.age" }
        }
    }
}
`;

// v2: mail → email, name → first_name + last_name; v3: age goes, tier arrives, emails are lower case.
const V3_APP = `
aggregates {
    customer = {
        state = { status = "none" }
        commands = {
            Register = {
                creates = true
                input = { first_name = "string", last_name = "string?", email = "email", tier = "string?" }
                emits = "CustomerRegistered"
            }
        }
        apply = {
            CustomerRegistered = { status = "'active'", first_name = "data.first_name", last_name = "data.last_name", email = "data.email", tier = "data.tier" }
        }
    }
}

projections {
    customers = {
        table = "customers"
        events = ["CustomerRegistered"]
        mapping = {
            CustomerRegistered = { action = "upsert", fields = { id = "aggregate_id", first_name = "data.first_name", last_name = "data.last_name", email = "data.email", tier = "data.tier" } }
        }
    }
}

events {
    CustomerRegistered = {
        version = 3
        schema = { first_name = "string", last_name = "string?", email = "email", tier = "string?" }
    }
}

event_versioning {
    migrations = {
        CustomerRegistered_v1_to_v2 = {
            from_version = 1
            to_version = 2
            changes = {
                rename_fields = { mail = "email" }
                transform_fields = { name = "split_name_to_first_last" }
            }
        }
        CustomerRegistered_v2_to_v3 = {
            from_version = 2
            to_version = 3
            changes = {
                remove_fields = ["age"]
                add_fields = { tier = "standard" }
                transform_fields = { email = "to_lower" }
            }
        }
    }
}
`;

const V1_DATA = { name: 'Ada Lovelace', mail: 'Ada@Example.COM', age: 36 };
const V3_DATA = { first_name: 'Ada', last_name: 'Lovelace', email: 'ada@example.com', tier: 'standard' };

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

async function call(server: ServerProcess, method: string, path: string, body?: unknown): Promise<{ status: number; body: any }> {
  const res = await fetch(`${server.url}${path}`, {
    method,
    ...(body !== undefined ? { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) } : {}),
  });
  return { status: res.status, body: await res.json() };
}

/** The first event of `GET /events/live` after position 0, as its JSON. */
async function firstLiveEvent(server: ServerProcess): Promise<any> {
  const controller = new AbortController();
  const res = await fetch(`${server.url}/events/live`, { headers: { 'last-event-id': '0' }, signal: controller.signal });
  const reader = res.body!.pipeThrough(new TextDecoderStream()).getReader();
  let text = '';
  try {
    for (;;) {
      const m = /^data: (.*)$/m.exec(text);
      if (m) return JSON.parse(m[1]!);
      const { value, done } = await reader.read();
      if (done) throw new Error(`the live stream ended without an event: ${text}`);
      text += value;
    }
  } finally {
    controller.abort();
  }
}

describe('upcasting on read, across a restart with new migrations', () => {
  it('shows v3 data on every read path and the stored v1 form with ?raw=true', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tusk-upcast-'));
    dirs.push(dir);
    const file = join(dir, 'app.tsk');

    writeFileSync(file, V1_APP);
    const first = await startServer('app.tsk', { cwd: dir });
    try {
      const res = await call(first, 'POST', '/aggregates/customer/c1/commands/Register', V1_DATA);
      expect(res.status).toBe(200);
      expect(res.body.events[0]).toMatchObject({ event_version: 1, data: V1_DATA });
    } finally {
      expect(await first.stop()).toBe(0);
    }

    writeFileSync(file, V3_APP);
    expect(await runCli(['check', 'app.tsk'], {}, dir)).toMatchObject({ code: 0, stderr: '0 errors, 0 warnings in 1 file\n' });
    const second = await startServer('app.tsk', { cwd: dir });
    try {
      const state = await call(second, 'GET', '/aggregates/customer/c1');
      expect(state).toEqual({ status: 200, body: { id: 'c1', type: 'customer', version: 1, state: { status: 'active', ...V3_DATA } } });

      const listed = await call(second, 'GET', '/aggregates/customer/c1/events');
      expect(listed.body.events).toHaveLength(1);
      expect(listed.body.events[0]).toMatchObject({
        type: 'CustomerRegistered',
        aggregate_id: 'c1',
        version: 1,
        event_version: 3,
        data: V3_DATA,
      });
      expect(listed.body.events[0].data).toEqual(V3_DATA);

      const raw = await call(second, 'GET', '/aggregates/customer/c1/events?raw=true');
      expect(raw.body.events[0]).toMatchObject({
        id: listed.body.events[0].id,
        position: listed.body.events[0].position,
        event_version: 1,
      });
      expect(raw.body.events[0].data).toEqual(V1_DATA);
      // Upcasting keeps everything but data and event_version.
      expect({ ...raw.body.events[0], data: null, event_version: null }).toEqual({
        ...listed.body.events[0],
        data: null,
        event_version: null,
      });

      const log = await call(second, 'GET', '/events');
      expect(log.body.events.map((e: any) => [e.event_version, e.data])).toEqual([[3, V3_DATA]]);

      const live = await firstLiveEvent(second);
      expect(live).toMatchObject({ aggregate_id: 'c1', event_version: 3, data: V3_DATA });

      // A projection added with the migrations is built from the upcast log, and so is a rebuild.
      const row = { id: 'c1', first_name: 'Ada', last_name: 'Lovelace', email: 'ada@example.com', tier: 'standard' };
      expect(await call(second, 'GET', '/projections/customers/c1')).toEqual({ status: 200, body: row });
      expect((await call(second, 'POST', '/projections/customers/rebuild?wait=true')).status).toBe(200);
      expect(await call(second, 'GET', '/projections/customers/c1')).toEqual({ status: 200, body: row });

      // New events are written at the newest version, and checked against its schema.
      const created = await call(second, 'POST', '/aggregates/customer/c2/commands/Register', {
        first_name: 'Grace',
        email: 'grace@example.com',
      });
      expect(created.body.events[0]).toMatchObject({ event_version: 3, data: { first_name: 'Grace', email: 'grace@example.com' } });
      const stored = await call(second, 'GET', '/aggregates/customer/c2/events?raw=true');
      expect(stored.body.events[0].event_version).toBe(3);
    } finally {
      expect(await second.stop()).toBe(0);
    }
  });
});
