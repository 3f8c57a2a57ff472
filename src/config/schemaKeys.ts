/**
 * The keys a zod schema accepts at a value path: the candidates for "did you mean".
 * Walks through defaults, optionals, pipes, unions, records and arrays (zod 4 `_zod.def`).
 */
import type { z } from 'zod';
import type { Path } from '../tsk/document.js';

interface Def {
  type: string;
  innerType?: z.ZodType;
  in?: z.ZodType;
  out?: z.ZodType;
  options?: z.ZodType[];
  valueType?: z.ZodType;
  element?: z.ZodType;
  shape?: Record<string, z.ZodType>;
}

const defOf = (s: z.ZodType): Def => (s as unknown as { _zod: { def: Def } })._zod.def;

/** The object schemas a value at `path` may be checked against. */
function objectsAt(schema: z.ZodType, path: Path): Def[] {
  const def = defOf(schema);
  switch (def.type) {
    case 'default':
    case 'optional':
    case 'nullable':
    case 'prefault':
    case 'readonly':
    case 'catch':
      return def.innerType ? objectsAt(def.innerType, path) : [];
    case 'pipe':
      return def.in ? objectsAt(def.in, path) : [];
    case 'union':
      return (def.options ?? []).flatMap((o) => objectsAt(o, path));
    case 'object':
      if (path.length === 0) return [def];
      return def.shape?.[String(path[0])] ? objectsAt(def.shape[String(path[0])]!, path.slice(1)) : [];
    case 'record':
      return path.length === 0 || !def.valueType ? [] : objectsAt(def.valueType, path.slice(1));
    case 'array':
      return path.length === 0 || !def.element ? [] : objectsAt(def.element, path.slice(1));
    default:
      return [];
  }
}

/** Every key accepted by the object schema(s) at `path`. */
export function knownKeysAt(schema: z.ZodType, path: Path): string[] {
  return [...new Set(objectsAt(schema, path).flatMap((d) => Object.keys(d.shape ?? {})))];
}
