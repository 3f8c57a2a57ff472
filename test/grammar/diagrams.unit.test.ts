import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { diagramsHtml, diagramsPath } from '../../grammar/diagrams.js';

describe('grammar/diagrams.html', () => {
  it('is generated, marked do-not-edit, and up to date with the parser', () => {
    const committed = readFileSync(diagramsPath(), 'utf8');
    expect(committed.startsWith('<!-- GENERATED')).toBe(true);
    // stale? run `npm run build && npm run diagrams` and commit the result
    expect(committed).toBe(diagramsHtml());
  });

  it('shows the family forms of issue 18 (indent blocks, dash items, array tables, new operators)', () => {
    const html = diagramsHtml();
    for (const token of [
      'Indent',
      'Dedent',
      'Dash',
      'BareText',
      'TripleSingleString',
      'AndAnd',
      'OrOr',
      'Bang',
      'Star',
      'Slash',
      'Percent',
      'Minus',
    ]) {
      expect(html).toContain(`"name": "${token}"`);
    }
    expect(html).toContain('"terminalLabel": "arrayOpen"');
  });

  it('shows every rule of the grammar', () => {
    for (const rule of [
      'file',
      'section',
      'entry',
      'body',
      'braceObject',
      'angleObject',
      'value',
      'operand',
      'array',
      'operatorCall',
      'listTail',
      'indentBlock',
      'dashItem',
      'functionCall',
    ]) {
      expect(diagramsHtml()).toContain(`"name": "${rule}"`);
    }
  });
});
