/**
 * The source map is a tree of path nodes (src/tsk/sourceMap.ts, issue 18's speed): the
 * evaluator adds nodes under their parent's without a lookup, and the same path added twice
 * must still read as one path located where it was located last, as a Map from path to
 * location reads.
 */
import { describe, expect, it } from 'vitest';
import { PathSourceMap, ROOT_NODE } from '../../src/tsk/sourceMap.js';
import { load } from './helpers.js';

const at = (line: number, column = 1) => ({ file: 'f.tsk', line, column });

describe('the source map of path nodes', () => {
  it('reads a path added twice under an unindexed parent as one, located last, with the children of both', () => {
    const map = new PathSourceMap();
    map.setAt(ROOT_NODE, { value: at(1) });
    const a1 = map.child(ROOT_NODE, 'a');
    map.setAt(a1, { key: at(2), value: at(2, 5) });
    map.setAt(map.child(a1, 'x'), { value: at(3) });
    const a2 = map.child(ROOT_NODE, 'a'); // no lookup yet: a second node for the same path
    expect(a2).not.toBe(a1);
    map.setAt(a2, { key: at(4), value: at(4, 5) });
    map.setAt(map.child(a2, 'y'), { value: at(5) });
    map.setAt(map.child(ROOT_NODE, 0), { value: at(6) });
    expect(map.get(['a'])).toEqual({ key: at(4), value: at(4, 5) });
    expect(map.get(['a', 'x'])?.value).toEqual(at(3));
    expect(map.get(['a', 'y'])?.value).toEqual(at(5));
    expect(map.get([0])?.value).toEqual(at(6));
    expect(map.get(['0'])).toBeUndefined(); // an index is not a key
    expect(map.size).toBe(5);
    // a caller still holding the merged node adds under the one node now
    map.setAt(map.child(a2, 'z'), { value: at(7) });
    expect(map.get(['a', 'z'])?.value).toEqual(at(7));
    expect(map.pathOf(map.child(a1, 'z'))).toEqual(['a', 'z']);
    expect(map.locate(['a', 'nothing', 'here'])).toEqual(at(4));
  });

  it('overwrites through set once a lookup indexed the parent, and unlocated nodes are not paths', () => {
    const map = new PathSourceMap();
    const b = map.child(map.child(ROOT_NODE, 'a'), 'b');
    map.setAt(b, { value: at(1) });
    expect(map.get(['a'])).toBeUndefined();
    map.set(['a', 'b'], { value: at(2) });
    expect(map.get(['a', 'b'])?.value).toEqual(at(2));
    expect(map.size).toBe(1);
    map.clear();
    expect(map.get(['a', 'b'])).toBeUndefined();
    expect(map.size).toBe(0);
  });

  it('grafts the entries under a path of another map', () => {
    const inc = new PathSourceMap();
    inc.set(['db'], { key: at(1), value: at(1, 6) });
    inc.set(['db', 'host'], { key: at(2), value: at(2, 8) });
    inc.set(['other'], { value: at(3) });
    const map = new PathSourceMap();
    map.set(['conf'], { key: at(9), value: at(9, 8) });
    map.graft(inc, ['db'], ['conf']);
    expect(map.get(['conf'])?.key).toEqual(at(9));
    expect(map.get(['conf', 'host'])).toEqual({ key: at(2), value: at(2, 8) });
    expect(map.get(['conf', 'other'])).toBeUndefined();
  });

  it('locates a key a `$var` object also wrote, where the entry itself was written', async () => {
    const doc = await load('$v = { a = { x = 1 } }\nb = $v\na = { y = 2 }\n');
    expect(doc.value).toEqual({ b: { a: { x: 1 } }, a: { y: 2 } });
    expect(doc.sourceMap.get(['a'])?.key).toMatchObject({ line: 3, column: 1 });
    expect(doc.sourceMap.get(['a', 'y'])?.key).toMatchObject({ line: 3, column: 7 });
    expect(doc.sourceMap.get(['b'])?.key).toMatchObject({ line: 2, column: 1 });
  });

  it('locates a dotted key inside a section at its real path', async () => {
    const doc = await load('[channels]\ndefault.active = true\n');
    expect(doc.sourceMap.get(['channels', 'default'])?.key).toMatchObject({ line: 2, column: 1 });
    expect(doc.sourceMap.get(['channels', 'default', 'active'])?.key).toMatchObject({ line: 2, column: 1 });
    expect(doc.sourceMap.get(['default'])).toBeUndefined();
  });
});
