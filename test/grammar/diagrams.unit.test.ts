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

  it('shows every rule of the grammar', () => {
    for (const rule of ['file', 'section', 'entry', 'body', 'braceObject', 'angleObject', 'value', 'operand', 'array', 'operatorCall']) {
      expect(diagramsHtml()).toContain(`"name": "${rule}"`);
    }
  });
});
