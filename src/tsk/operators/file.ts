/**
 * `@file("other.tsk")`, `@file.get("other.tsk", "a.b")` and the SPEC form
 * `@other.tsk.get("a.b")`: the value of another .tsk file, relative to the including file.
 */
import { dirname, isAbsolute, join } from 'node:path';
import { error } from '../../diagnostics.js';
import type { OperatorCall } from './context.js';

/** True for operator names that mean an include. */
export function isFileOperator(name: string): boolean {
  return name === 'file' || name === 'file.get' || /\.tsk\.get$/.test(name);
}

/** Loads the file and returns its value (or one dotted key of it). */
export function fileOperator(call: OperatorCall): unknown {
  const { name, args, context, location } = call;
  let target: unknown;
  let key: unknown;
  if (name === 'file') {
    [target] = args;
    if (args.length !== 1 || typeof target !== 'string') return argsError(call, '@file takes one path: @file("other.tsk")');
  } else if (name === 'file.get') {
    [target, key] = args;
    if (args.length !== 2 || typeof target !== 'string' || typeof key !== 'string')
      return argsError(call, '@file.get takes a path and a dotted key: @file.get("other.tsk", "a.b")');
  } else {
    target = name.slice(0, -'.get'.length);
    [key] = args;
    if (args.length !== 1 || typeof key !== 'string') return argsError(call, `@${name} takes one dotted key: @${name}("a.b")`);
  }
  const written = target as string;
  const display = isAbsolute(written) ? written : join(dirname(call.file), written);
  const included = context.include(display, location, written);
  if (!included) return null; // the loader reported why, located at this call
  if (key === undefined) {
    call.sourceMap.graft(included.sourceMap, [], call.path);
    return included.value;
  }
  const keyPath = (key as string).split('.');
  let node: unknown = included.value;
  for (const k of keyPath) {
    if (node === null || typeof node !== 'object' || Array.isArray(node) || !Object.hasOwn(node, k)) {
      context.diagnostics.push(error('TSK_FILE', `${display} has no key ${key as string}`, location));
      return null;
    }
    node = (node as Record<string, unknown>)[k];
  }
  call.sourceMap.graft(included.sourceMap, keyPath, call.path);
  return node;
}

function argsError(call: OperatorCall, message: string): null {
  call.context.diagnostics.push(error('TSK_OPERATOR_ARGS', message, call.location));
  return null;
}
