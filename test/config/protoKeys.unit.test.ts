/**
 * A `__proto__` key in a .tsk file, through the whole check pipeline: the loader keeps it as an
 * own key, and the copy validation works on must neither turn it into a prototype (its keys
 * then applied unseen: `server = { __proto__ = { port = 9999 } }` set the port) nor drop it in
 * silence. It is a located error; `constructor` and `prototype` are ordinary keys.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { clonePlain } from '../../src/config/paths.js';
import { loadSuite } from '../../src/testing/loadSuite.js';
import { check, diagnosticsOf, modelOf } from './helpers.js';

const APP = `event_store = { type = "embedded", data_dir = "memory://" }
aggregates = {
    t = {
        state = { title = "" }
        commands = { C = { creates = true, input = { title = "string" }, emits = "E" } }
    }
}
`;

describe('a __proto__ key in a .tsk file', () => {
  it('is an error located at the key, and lends nothing to the model', async () => {
    const text = `${APP}server = { __proto__ = { port = 9999 } }\n`;
    expect(await diagnosticsOf(text)).toEqual([
      "8:12 error CONFIG_INVALID server.__proto__: a key cannot be named __proto__ (JavaScript reads it as the object's prototype, whose keys would apply unseen); rename it",
    ]);
    expect((await check(text)).model).toBeUndefined();
  });

  it('is reported at every depth and in arrays, once each, beside the other faults', async () => {
    const text = `__proto__ = { server = { port = 1 } }
event_store = { type = "embedded", data_dir = "memory://" }
aggregates = {
    t = {
        state = { title = "" }
        commands = {
            C = { creates = true, input = { title = "string" }, emits = "E", require = [{ when = "true", __proto__ = { message = "m" } }] }
            __proto__ = { X = { emits = "E" } }
        }
        snapshot_frequency = "often"
    }
}
`;
    const found = await diagnosticsOf(text);
    expect(found.filter((d) => d.includes('__proto__'))).toEqual([
      expect.stringMatching(/^1:1 error CONFIG_INVALID __proto__: a key cannot be named __proto__/),
      expect.stringMatching(
        /^7:106 error CONFIG_INVALID aggregates\.t\.commands\.C\.require\[0\]\.__proto__: a key cannot be named __proto__/,
      ),
      expect.stringMatching(/^8:13 error CONFIG_INVALID aggregates\.t\.commands\.__proto__: a key cannot be named __proto__/),
    ]);
    expect(found.some((d) => d.startsWith('10:30 error CONFIG_INVALID aggregates.t.snapshot_frequency'))).toBe(true);
  });

  it('is reported inside an unknown block too (the pipeline does not copy those, it searches them)', async () => {
    const text = `${APP}my_notes = { list = [{ __proto__ = { a = 1 } }], other = 2 }\n`;
    expect((await diagnosticsOf(text)).filter((d) => d.includes('__proto__'))).toEqual([
      expect.stringMatching(/^8:24 error CONFIG_INVALID my_notes\.list\[0\]\.__proto__: a key cannot be named __proto__/),
    ]);
  });

  it('names no scenario of a test file (tusk-es test)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tusk-proto-'));
    try {
      writeFileSync(join(dir, 'app.tsk'), APP);
      const scenario = '{ aggregate = "t", when = { command = "C", input = { title = "x" } }, then = [{ type = "E" }] }';
      writeFileSync(join(dir, 'a.test.tsk'), `tests = {\n    __proto__ = ${scenario}\n}\n`);
      const suite = await loadSuite(join(dir, 'app.tsk'));
      expect(suite.scenarios).toEqual([]);
      expect(suite.diagnostics.map((d) => [d.location?.file, d.location?.line, d.location?.column, d.code, d.path])).toEqual([
        [join(dir, 'a.test.tsk'), 2, 5, 'CONFIG_INVALID', ['tests', '__proto__']],
      ]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('constructor and prototype are ordinary keys', async () => {
    const { model } = await modelOf(`${APP}`.replace('title = ""', 'title = "", constructor = { prototype = 1 }'));
    expect(model.aggregates.t!.state).toEqual({ title: '', constructor: { prototype: 1 } });
    expect(Object.getPrototypeOf(model.aggregates.t!.state)).toBe(Object.prototype);
  });

  it('clonePlain never sets a prototype, and names the objects that had the key', () => {
    const source = JSON.parse('{"a":[{"__proto__":{"polluted":true},"b":1}]}') as { a: object[] };
    const holders: object[] = [];
    const copy = clonePlain(source, holders);
    expect(copy).toEqual({ a: [{ b: 1 }] });
    expect(Object.getPrototypeOf(copy.a[0])).toBe(Object.prototype);
    expect((copy.a[0] as { polluted?: boolean }).polluted).toBeUndefined();
    expect(holders).toEqual([source.a[0]]);
  });
});
