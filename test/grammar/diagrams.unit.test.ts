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

  it('shows the forms the tokens hold (ranges, dotted keys, @env.NAME, access paths, comments, unquoted values)', () => {
    const html = diagramsHtml();
    for (const rule of [
      'range',
      'dottedKey',
      'envShorthand',
      'variableAccess',
      'comment',
      'tripleSingleString',
      'unquotedValue',
      'identifier',
    ]) {
      expect(html).toContain(`"name": "${rule}"`);
    }
    for (const label of ["'/*'", "'*/'", "'@env'", "'-' (no spaces)", "'||'", 'letter (any script)'])
      expect(html).toContain(`"label": ${JSON.stringify(label)}`);
  });

  it('the EBNF shows every form of issue 18 too', () => {
    const ebnf = readFileSync(new URL('../../grammar/tsk.ebnf', import.meta.url), 'utf8');
    const productions = [
      'indent_block',
      'dash_item',
      'list_tail',
      'range',
      'dotted_key',
      'env_shorthand',
      'TRIPLE_SINGLE_STRING',
      'BLOCK_COMMENT',
    ];
    for (const p of productions) expect(ebnf).toMatch(new RegExp(`^${p} +=`, 'm'));
    expect(ebnf).toContain('"[" , ( "[" , key , "]"'); // [[array of tables]]
    expect(ebnf).toMatch(/^binary_op += "\|\|" \| "&&" .*"\*" \| "\/" \| "%" ;$/m);
    expect(ebnf).toContain('( "!" | "-" ) , operand');
    expect(ebnf).toContain('"[" , digit , { digit } , "]"'); // $hosts[0]
    expect(ebnf).toMatch(/BARE_TEXT: after "key:"/);
    expect(ebnf).toContain('a Unicode letter');
  });
});
