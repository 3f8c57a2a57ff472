import { describe, expect, it } from 'vitest';
import { BoundedMap } from '../../src/util/BoundedMap.js';

describe('BoundedMap', () => {
  it('never holds more than its capacity, and forgets the least recently set entries first', () => {
    const map = new BoundedMap<string, number>(64);
    for (let i = 0; i < 64; i++) map.set(`k${i}`, i);
    map.set('k0', 100); // set again: now the newest
    for (let i = 64; i < 1000; i++) {
      map.set(`k${i}`, i);
      expect(map.size).toBeLessThanOrEqual(64);
      // The newest entries are always kept: eviction takes the oldest only.
      expect(map.get(`k${i}`)).toBe(i);
      expect(map.get(`k${i - 1}`)).toBe(i - 1);
    }
    expect(map.get('k0')).toBeUndefined();
    expect(map.get('k999')).toBe(999);
    // What it kept is the newest run of keys, with no hole in it.
    const kept = Array.from({ length: 1000 }, (_, i) => i).filter((i) => map.get(`k${i}`) !== undefined);
    expect(kept.length).toBe(map.size);
    expect(kept[kept.length - 1]! - kept[0]! + 1).toBe(kept.length);
  });

  it('keeps a value set again after its first set as recent (the first one aged out alone)', () => {
    const map = new BoundedMap<string, number>(2);
    map.set('a', 1);
    map.set('b', 2);
    map.set('a', 3);
    map.set('c', 4);
    expect(map.get('b')).toBeUndefined();
    expect(map.get('a')).toBe(3);
    expect(map.get('c')).toBe(4);
  });

  it('setNew adds a new key as the newest and stays bounded; a key there after all keeps its place', () => {
    const map = new BoundedMap<string, number>(16);
    for (let i = 0; i < 100; i++) {
      map.setNew(`k${i}`, i);
      expect(map.size).toBeLessThanOrEqual(16);
      expect(map.get(`k${i}`)).toBe(i);
    }
    const oldest = [...map.keys()][0]!;
    map.setNew(oldest, -1);
    expect(map.get(oldest)).toBe(-1);
    expect([...map.keys()][0]).toBe(oldest);
    map.set('fresh', 1);
    for (let i = 100; i < 100 + map.size; i++) map.setNew(`k${i}`, i);
    expect(map.get(oldest)).toBeUndefined();
  });

  it('deletes and clears', () => {
    const map = new BoundedMap<string, number>(4);
    map.set('a', 1);
    map.set('b', 2);
    map.delete('a');
    expect(map.get('a')).toBeUndefined();
    expect(map.size).toBe(1);
    map.clear();
    expect(map.size).toBe(0);
  });
});
