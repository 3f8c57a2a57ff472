/** What every cross-check gets: the model, the canonical tree (for locations), a sink. */
import { error, warning, type Diagnostic, type SourceLocation } from '../../diagnostics.js';
import type { ErrorCode } from '../../errors.js';
import type { Path } from '../../tsk/document.js';
import type { CanonicalTree } from '../aliases/CanonicalTree.js';
import { formatPath, isPlainObject } from '../paths.js';
import type { PartialModel } from './partialModel.js';

export class CheckContext {
  readonly diagnostics: Diagnostic[] = [];
  /** Event types declared by `event_types`, emitted by commands, or in the `events` block. */
  readonly declaredEvents: Set<string>;

  constructor(
    readonly model: PartialModel,
    readonly tree: CanonicalTree,
  ) {
    this.declaredEvents = declaredEvents(tree.value);
  }

  /** The path as the user wrote it, for messages. */
  where(path: Path): string {
    return formatPath(this.tree.originOf(path));
  }

  /** Where the value at a canonical path was written. */
  at(path: Path): SourceLocation | undefined {
    return this.tree.locate(path);
  }

  /** Where the first character inside a string value's quotes is (expressions are located from it). */
  contentAt(path: Path): SourceLocation | undefined {
    const exact = this.tree.sourceMap.get(this.tree.originOf(path))?.value;
    return exact ? { ...exact, column: exact.column + 1 } : this.at(path);
  }

  error(code: ErrorCode, message: string, path: Path, options: { key?: boolean; location?: SourceLocation } = {}): void {
    const loc = options.location ?? (options.key ? this.tree.locateKey(path) : this.at(path));
    this.diagnostics.push(error(code, `${this.where(path)}: ${message}`, loc, { path: [...this.tree.originOf(path)] }));
  }

  warn(code: ErrorCode, message: string, path: Path, options: { key?: boolean; location?: SourceLocation } = {}): void {
    const loc = options.location ?? (options.key ? this.tree.locateKey(path) : this.at(path));
    this.diagnostics.push(warning(code, `${this.where(path)}: ${message}`, loc, { path: [...this.tree.originOf(path)] }));
  }
}

// read from the canonical tree, not the model, so an aggregate with a schema error still declares its events
function declaredEvents(value: Record<string, unknown>): Set<string> {
  const out = new Set<string>();
  const str = (v: unknown) => typeof v === 'string' && out.add(v);
  if (isPlainObject(value.events)) Object.keys(value.events).forEach(str);
  if (!isPlainObject(value.aggregates)) return out;
  for (const agg of Object.values(value.aggregates)) {
    if (!isPlainObject(agg)) continue;
    if (Array.isArray(agg.event_types)) agg.event_types.forEach(str);
    if (!isPlainObject(agg.commands)) continue;
    for (const cmd of Object.values(agg.commands)) {
      if (!isPlainObject(cmd)) continue;
      str(cmd.emits);
      for (const e of Array.isArray(cmd.emit) ? cmd.emit : [cmd.emit]) if (isPlainObject(e)) str(e.type);
    }
  }
  return out;
}
