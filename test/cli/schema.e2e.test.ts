/** `tusk-es schema` prints the JSON Schema of the config model: the committed editor copy. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT, runCli } from '../support/cli.js';

describe('tusk-es schema', () => {
  it('prints a draft 2020-12 schema with the descriptions of the zod schemas, equal to editors/vscode/schemas/tsk.schema.json', async () => {
    const r = await runCli(['schema']);
    expect(r.code).toBe(0);
    const schema = JSON.parse(r.stdout);
    expect(schema.$schema).toBe('https://json-schema.org/draft/2020-12/schema');
    expect(schema.properties.server.properties.host.description).toBe('listen address');
    expect(Object.keys(schema.properties)).toEqual(expect.arrayContaining(['aggregates', 'projections', 'sagas', 'tests']));
    expect(schema).toEqual(JSON.parse(readFileSync(join(ROOT, 'editors/vscode/schemas/tsk.schema.json'), 'utf8')));
  });
});

describe('tusk-es openapi', () => {
  it('prints the OpenAPI 3.1 document of the app; a file with errors exits 1 with diagnostics', async () => {
    const r = await runCli(['openapi', 'config/app.tsk']);
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.stdout);
    expect(doc.openapi).toBe('3.1.0');
    expect(doc.paths['/aggregates/order/{id}/commands/ShipOrder'].post.responses['422']).toBeDefined();
    expect(doc.paths['/openapi.json']).toBeDefined();
    const bad = await runCli(['openapi', 'test/fixtures/does-not-exist.tsk']);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('does-not-exist.tsk');
  });
});
