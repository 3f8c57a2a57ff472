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
