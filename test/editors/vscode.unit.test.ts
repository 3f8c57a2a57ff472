/**
 * The VS Code extension folder is packaged correctly: the manifest names files that exist,
 * every grammar regex compiles under Oniguruma (the engine VS Code runs TextMate grammars
 * with), the grammar gives .tsk text the scopes an editor colours, and the committed JSON
 * Schema is the one `tusk-es schema` generates now (a generated artifact, kept current).
 */
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import * as oniguruma from 'vscode-oniguruma';
import * as textmate from 'vscode-textmate';
import { beforeAll, describe, expect, it } from 'vitest';
import { configJsonSchema } from '../../src/config/jsonSchema.js';

const ROOT = join(import.meta.dirname, '../..');
const EXT = join(ROOT, 'editors/vscode');
const manifest = JSON.parse(readFileSync(join(EXT, 'package.json'), 'utf8'));
const grammarPath = join(EXT, manifest.contributes.grammars[0].path);
const grammarJson = JSON.parse(readFileSync(grammarPath, 'utf8'));

let grammar: textmate.IGrammar;
beforeAll(async () => {
  const wasm = readFileSync(join(createRequire(import.meta.url).resolve('vscode-oniguruma'), '../onig.wasm'));
  await oniguruma.loadWASM(wasm.buffer.slice(wasm.byteOffset, wasm.byteOffset + wasm.byteLength));
  const registry = new textmate.Registry({
    onigLib: Promise.resolve({
      createOnigScanner: (p: string[]) => new oniguruma.OnigScanner(p),
      createOnigString: (s: string) => new oniguruma.OnigString(s),
    }),
    loadGrammar: async (scope) =>
      scope === 'source.tsk' ? textmate.parseRawGrammar(readFileSync(grammarPath, 'utf8'), grammarPath) : null,
  });
  grammar = (await registry.loadGrammar('source.tsk'))!;
});

/** Every regex (match, begin, end) in a grammar object. */
function regexes(node: unknown): string[] {
  if (Array.isArray(node)) return node.flatMap(regexes);
  if (node === null || typeof node !== 'object') return [];
  return Object.entries(node).flatMap(([k, v]) => (['match', 'begin', 'end'].includes(k) && typeof v === 'string' ? [v] : regexes(v)));
}

/** The scopes of the token covering `text`'s first occurrence on `line`. */
function scopesAt(line: string, text: string): string[] {
  const at = line.indexOf(text);
  const { tokens } = grammar.tokenizeLine(line, textmate.INITIAL);
  return tokens.find((t) => t.startIndex <= at && at < t.endIndex)!.scopes;
}

describe('editors/vscode', () => {
  it('the manifest contributes the tsk language, its grammar and the JSON Schema, and every file it names exists', () => {
    expect(manifest).toMatchObject({
      name: expect.any(String),
      publisher: expect.any(String),
      version: expect.stringMatching(/^\d+\.\d+\.\d+$/),
      engines: { vscode: expect.stringMatching(/^\^\d/) },
    });
    const { languages, grammars, jsonValidation } = manifest.contributes;
    expect(languages).toEqual([expect.objectContaining({ id: 'tsk', extensions: ['.tsk'] })]);
    expect(grammars).toEqual([expect.objectContaining({ language: 'tsk', scopeName: grammarJson.scopeName })]);
    expect(jsonValidation.length).toBeGreaterThan(0);
    const files = [languages[0].configuration, grammars[0].path, ...jsonValidation.map((j: { url: string }) => j.url)];
    for (const f of files) expect(existsSync(join(EXT, f)), f).toBe(true);
    JSON.parse(readFileSync(join(EXT, languages[0].configuration), 'utf8'));
  });

  it('every regex of the grammar compiles under Oniguruma', () => {
    const all = regexes(grammarJson);
    expect(all.length).toBeGreaterThan(20);
    for (const r of all) expect(() => new oniguruma.OnigScanner([r]), r).not.toThrow();
  });

  it('the grammar scopes comments, strings, sections, blocks, keys, $vars, @operators and numbers', () => {
    expect(scopesAt('# a comment', 'a comment')).toContain('comment.line.number-sign.tsk');
    expect(scopesAt('x = 1 // note', 'note')).toContain('comment.line.double-slash.tsk');
    expect(scopesAt('/* block */ x = 1', 'block')).toContain('comment.block.tsk');
    expect(scopesAt('[event_store]', 'event_store')).toContain('entity.name.section.tsk');
    expect(scopesAt('[[servers]]', 'servers')).toContain('entity.name.section.tsk');
    expect(scopesAt('server >', 'server')).toContain('entity.name.section.block.tsk');
    expect(scopesAt('<', '<')).toContain('punctuation.section.block.end.tsk');
    expect(scopesAt('aggregates {', 'aggregates')).toContain('entity.name.section.block.tsk');
    expect(scopesAt('  port: 8080', 'port')).toContain('entity.name.tag.key.tsk');
    expect(scopesAt('"created" = ["a"]', '"created"')).toContain('entity.name.tag.key.quoted.tsk');
    expect(scopesAt('name = "Ada \\n"', 'Ada')).toContain('string.quoted.double.tsk');
    expect(scopesAt("doc = '''raw text'''", 'raw text')).toContain('string.quoted.triple.single.tsk');
    expect(scopesAt('$base: 10', '$base')).toContain('variable.other.definition.tsk');
    expect(scopesAt('port = $base + 1', '$base')).toContain('variable.other.tsk');
    expect(scopesAt('url = @env("DATABASE_URL")', 'env')).toContain('support.function.operator.tsk');
    expect(scopesAt('size = 42', '42')).toContain('constant.numeric.tsk');
    expect(scopesAt('ports = 8000-9000', '8000-9000')).toContain('constant.numeric.tsk');
    expect(scopesAt('on = true', 'true')).toContain('constant.language.tsk');
  });

  it('a multi-line /* */ comment and a multi-line string keep their scope across lines', () => {
    let state = textmate.INITIAL;
    const scopes: string[][] = [];
    for (const line of ['/* one', 'two */', "s = '''a", "b'''"]) {
      const r = grammar.tokenizeLine(line, state);
      scopes.push(r.tokens[0]!.scopes);
      state = r.ruleStack;
    }
    expect(scopes[1]).toContain('comment.block.tsk');
    expect(scopes[3]).toContain('string.quoted.triple.single.tsk');
  });

  it('the committed JSON Schema is current (regenerate: tusk-es schema > editors/vscode/schemas/tsk.schema.json) and compiles', () => {
    const committed = JSON.parse(readFileSync(join(EXT, 'schemas/tsk.schema.json'), 'utf8'));
    expect(committed).toEqual(configJsonSchema());
    const ajv = new Ajv2020({ strict: false });
    const validate = ajv.compile(committed);
    expect(validate({ aggregates: { order: { commands: { Create: { creates: true, emits: 'Created' } } } } })).toBe(true);
    expect(validate({ server: { port: { bad: true } } })).toBe(false);
  });
});
