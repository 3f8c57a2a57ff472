/** Embedding tusk-es through its public API only (src/index.ts), as a program would. */
import { describe, expect, it } from 'vitest';
import { hasFailures, loadConfigText, startApp } from '../src/index.js';
import { pino } from 'pino';

describe('public API', () => {
  it('loads a config from text, starts an app on a free port and runs a command over HTTP', async () => {
    const text = `
event_store { type = "embedded", data_dir = "memory://" }
aggregates {
    counter = {
        state = { n = 0 }
        commands = {
            Start = { creates = true, emits = "Started" }
            Add = { input = { by = "integer" }, emits = "Added" }
        }
        apply = { Added = { n = "n + data.by" } }
    }
}`;
    const { model, diagnostics } = await loadConfigText(text, 'embedded.tsk', { mode: 'serve' });
    expect(hasFailures(diagnostics)).toBe(false);
    const app = await startApp(model!, { port: 0, host: '127.0.0.1', logger: pino({ level: 'silent' }) });
    try {
      const post = (path: string, body: unknown) =>
        fetch(`${app.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
      expect((await post('/aggregates/counter/c1/commands/Start', {})).status).toBe(200);
      expect((await post('/aggregates/counter/c1/commands/Add', { by: 41 })).status).toBe(200);
      const state = await (await fetch(`${app.url}/aggregates/counter/c1`)).json();
      expect(state).toEqual({ id: 'c1', type: 'counter', version: 2, state: { n: 41 } });
    } finally {
      await app.close();
    }
  });
});
