/**
 * What a parsed JSON body must be before any route sees it: nested at most `maxDepth` deep,
 * every string and key valid Unicode without NUL (PostgreSQL's jsonb stores neither a lone
 * surrogate nor \u0000), and no `__proto__` key (an own `__proto__` turns into a prototype as
 * soon as some code copies the object with assignment). The walk is iterative, so a hostile
 * depth costs a loop, not the stack; it stops at the first fault and names its JSON path.
 */
import { TuskError } from '../errors.js';

interface Frame {
  value: unknown;
  depth: number;
  /** Index of the parent frame in `seen`, -1 for the root. */
  parent: number;
  key: string | number;
}

/** Throws JSON_TOO_DEEP, INVALID_TEXT or FORBIDDEN_KEY (all 400) for the first fault of `body`. */
export function checkJsonBody(body: unknown, maxDepth: number): void {
  if (flatAndClean(body, maxDepth)) return;
  // Every container visited stays in `seen`, so a fault's path is rebuilt only when one is found.
  const seen: Frame[] = [];
  const stack: Frame[] = [{ value: body, depth: 0, parent: -1, key: '' }];
  while (stack.length > 0) {
    const frame = stack.pop()!;
    const { value } = frame;
    if (typeof value === 'string') {
      const fault = textFault(value);
      if (fault !== undefined)
        throw new TuskError('INVALID_TEXT', `the string at ${pathOf(seen, frame)} ${fault}`, { details: { path: pathOf(seen, frame) } });
      continue;
    }
    if (value === null || typeof value !== 'object') continue;
    const depth = frame.depth + 1;
    if (depth > maxDepth) {
      throw new TuskError(
        'JSON_TOO_DEEP',
        `the JSON body nests deeper than ${maxDepth} levels (server.json_depth_limit) at ${pathOf(seen, frame)}`,
        {
          details: { path: pathOf(seen, frame), max: maxDepth },
        },
      );
    }
    const index = seen.push(frame) - 1;
    if (Array.isArray(value)) {
      for (let i = value.length - 1; i >= 0; i--) stack.push({ value: value[i], depth, parent: index, key: i });
      continue;
    }
    for (const key of Object.keys(value)) {
      const child: Frame = { value: (value as Record<string, unknown>)[key], depth, parent: index, key };
      if (key === '__proto__') {
        throw new TuskError('FORBIDDEN_KEY', `the JSON body has a "__proto__" key at ${pathOf(seen, child)}, which is not accepted`, {
          details: { path: pathOf(seen, child) },
        });
      }
      const fault = textFault(key);
      if (fault !== undefined)
        throw new TuskError('INVALID_TEXT', `the key at ${pathOf(seen, child)} ${fault}`, { details: { path: pathOf(seen, child) } });
      stack.push(child);
    }
  }
}

/**
 * True when `body` passes at a glance: a primitive, or one object or array of primitives with
 * clean strings and keys and no `__proto__` (a command's usual input). The walk below, which
 * allocates a frame per value, runs only on the rest, and finds and locates any fault itself.
 */
function flatAndClean(body: unknown, maxDepth: number): boolean {
  if (body === null || typeof body !== 'object') return cleanPrimitive(body);
  if (maxDepth < 1) return false;
  if (Array.isArray(body)) {
    for (const value of body) if (!cleanPrimitive(value)) return false;
    return true;
  }
  for (const key of Object.keys(body)) {
    if (key === '__proto__' || textFault(key) !== undefined || !cleanPrimitive((body as Record<string, unknown>)[key])) return false;
  }
  return true;
}

function cleanPrimitive(value: unknown): boolean {
  if (typeof value === 'string') return textFault(value) === undefined;
  return value === null || typeof value !== 'object';
}

/** Why `text` cannot be stored as text, or undefined when it can. */
export function textFault(text: string): string | undefined {
  if (text.includes('\u0000')) return 'contains a NUL character (\\u0000)';
  if (!(text as unknown as { isWellFormed(): boolean }).isWellFormed()) return 'contains a lone UTF-16 surrogate (such as \\ud800)';
  return undefined;
}

/** `$.a[0].b` for a frame; keys that are not identifiers are quoted. */
function pathOf(seen: readonly Frame[], frame: Frame): string {
  const parts: string[] = [];
  for (let f: Frame | undefined = frame; f !== undefined && f.parent !== -1; f = seen[f.parent]) {
    parts.push(
      typeof f.key === 'number'
        ? `[${f.key}]`
        : /^[A-Za-z_][A-Za-z0-9_]*$/.test(f.key)
          ? `.${f.key}`
          : `[${JSON.stringify(f.key.replace(/[\ud800-\udfff]/g, '\ufffd'))}]`,
    );
  }
  return `$${parts.reverse().join('')}`;
}
