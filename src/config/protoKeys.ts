/**
 * A `__proto__` key in a .tsk file. The loader keeps it as an own key, but JavaScript reads it
 * as an object's prototype as soon as the object is copied by assignment (zod builds records
 * that way), so its value would be inherited unseen: `server = { __proto__ = { port = 9 } }`
 * set the port and check said nothing. The config pipeline leaves such keys out
 * (clonePlain) and reports each one here, located at the key. `constructor` and `prototype`
 * are ordinary keys.
 */
import { error, type Diagnostic } from '../diagnostics.js';
import type { Path, SourceMap } from '../tsk/document.js';
import { formatPath, isPlainObject } from './paths.js';

/** One error per `__proto__` key of the objects in `holders`, found in `root` (only walked when there are any). */
export function protoKeyErrors(root: unknown, holders: readonly object[], sourceMap: SourceMap): Diagnostic[] {
  if (holders.length === 0) return [];
  const wanted = new Set(holders);
  const out: Diagnostic[] = [];
  const walk = (v: unknown, path: Path): void => {
    if (Array.isArray(v)) v.forEach((x, i) => walk(x, [...path, i]));
    else if (isPlainObject(v)) {
      if (wanted.has(v)) {
        const at = [...path, '__proto__'];
        out.push(
          error(
            'CONFIG_INVALID',
            `${formatPath(at)}: a key cannot be named __proto__ (JavaScript reads it as the object's prototype, whose keys would apply unseen); rename it`,
            sourceMap.get(at)?.key ?? sourceMap.locate(at),
            { path: at },
          ),
        );
      }
      for (const k of Object.keys(v)) if (k !== '__proto__') walk(v[k], [...path, k]);
    }
  };
  walk(root, []);
  return out;
}

/** Adds to `holders` the objects under `v` (itself included) that hold an own `__proto__` key, as `clonePlain` would. */
export function findProtoHolders(v: unknown, holders: object[]): void {
  if (Array.isArray(v)) for (const x of v) findProtoHolders(x, holders);
  else if (isPlainObject(v)) {
    for (const k of Object.keys(v)) {
      if (k === '__proto__') holders.push(v);
      else findProtoHolders(v[k], holders);
    }
  }
}
