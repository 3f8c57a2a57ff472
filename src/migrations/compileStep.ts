/**
 * One migration (`X_vN_to_vM`) compiled into a short list of closures, once at startup.
 * Running it builds a new data object and never modifies the stored one.
 *
 * Within a step: renames, then removals, then added fields (only where absent), then
 * transforms. A transform runs only on a field present at that point; expression
 * transforms see `value` (that field now) and `data` (the payload as it was at from_version),
 * so they can derive a field from ones the step renames or removes.
 */
import { ConfigError, ExpressionError, isTuskError } from '../errors.js';
import type { MigrationConfig } from '../config/schema/index.js';
import { isBuiltinTransform, looksLikeTransformName } from '../config/checks/transforms.js';
import { compileExpr, type CompiledExpr } from '../engine/compileExpr.js';
import type { StoredEvent } from '../store/EventStore.js';
import { BUILTIN_IMPLEMENTATIONS } from './builtinTransforms.js';
import { freshValue, hasField, setField, type EventData } from './jsonFields.js';

/** One compiled migration step. */
export interface CompiledStep {
  key: string;
  from: number;
  to: number;
  /** The data at `to`, made from the data at `from` (`data` is not modified). */
  run(data: EventData, event: StoredEvent): EventData;
}

/** What the operations of one step run share. */
interface StepRun {
  before: EventData;
  event: StoredEvent;
  /** The expression roots, made on first use (most steps have no expression). */
  roots?: Record<string, unknown>;
}

type Op = (out: EventData, run: StepRun) => void;

const NO_FIELDS: Record<string, unknown> = Object.freeze({});

/** Compiles migration `key`; a transform that is neither a built-in nor an expression is a ConfigError. */
export function compileStep(key: string, m: MigrationConfig): CompiledStep {
  const where = `event_versioning.migrations.${key}.changes`;
  const reshape = compileReshape(m.changes.rename_fields ?? {}, m.changes.remove_fields ?? []);
  const ops: Op[] = [
    ...compileAdds(m.changes.add_fields),
    ...compileTransforms(m.changes.transform_fields ?? {}, m.from_version, `${where}.transform_fields`),
  ];
  return {
    key,
    from: m.from_version,
    to: m.to_version,
    run(data, event) {
      const out = reshape(data);
      if (ops.length === 0) return out;
      const run: StepRun = { before: data, event };
      for (const op of ops) op(out, run);
      return out;
    },
  };
}

/** Renames (all at once, so `{ a = "b", b = "a" }` swaps) and removals as one copy. */
function compileReshape(renames: Record<string, string>, removals: readonly string[]): (data: EventData) => EventData {
  const pairs = Object.entries(renames);
  const removed = new Set(removals);
  if (pairs.length === 0 && removed.size === 0) return (data) => ({ ...data });
  const dropped = new Set([...removed, ...pairs.map(([from]) => from)]);
  const moves = pairs.filter(([, to]) => !removed.has(to));
  return (data) => {
    const out: EventData = {};
    for (const k of Object.keys(data)) if (!dropped.has(k)) setField(out, k, data[k]);
    for (const [from, to] of moves) if (hasField(data, from)) setField(out, to, data[from]);
    return out;
  };
}

/** `add_fields`: a list adds nulls; an object adds its defaults ("{}" and "[]" as written in SPEC §6 mean empty ones). */
function compileAdds(adds: MigrationConfig['changes']['add_fields']): Op[] {
  if (adds === undefined) return [];
  const entries: Array<[string, unknown]> = Array.isArray(adds) ? adds.map((f) => [f, null]) : Object.entries(adds);
  return entries.map(([field, value]) => {
    const fresh = freshValue(value === '{}' ? {} : value === '[]' ? [] : value);
    return (out) => {
      if (!hasField(out, field)) setField(out, field, fresh());
    };
  });
}

function compileTransforms(transforms: Record<string, string>, from: number, where: string): Op[] {
  return Object.entries(transforms).map(([field, text]): Op => {
    if (isBuiltinTransform(text)) {
      const transform = BUILTIN_IMPLEMENTATIONS[text];
      return (out) => {
        if (hasField(out, field)) transform(out, field);
      };
    }
    if (looksLikeTransformName(text)) throw new ConfigError(`${where}.${field}: unknown transform \`${text}\``, []);
    const expr = compileTransformExpr(text, `${where}.${field}`);
    return (out, run) => {
      if (!hasField(out, field)) return;
      const roots = (run.roots ??= migrationRoots(run.event, run.before, from));
      roots.value = out[field];
      let value: unknown;
      try {
        value = expr({ roots, fields: NO_FIELDS, now: run.event.timestamp });
      } catch (err) {
        const reason = err instanceof Error ? err.message : String(err);
        throw new ExpressionError(`${where}.${field}: ${reason} (upcasting ${run.event.type} ${run.event.id})`, undefined, err);
      }
      setField(out, field, value === undefined ? null : value);
    };
  });
}

function compileTransformExpr(text: string, where: string): CompiledExpr {
  try {
    return compileExpr(text, where);
  } catch (err) {
    if (isTuskError(err) && err.code === 'CONFIG_INVALID') throw err;
    throw new ConfigError(`${where}: ${err instanceof Error ? err.message : String(err)}`, []);
  }
}

/** The names a transform expression sees: `value`, `data` and the event's own roots. */
function migrationRoots(event: StoredEvent, before: EventData, from: number): Record<string, unknown> {
  return {
    value: null,
    data: before,
    metadata: event.metadata,
    timestamp: event.timestamp.toISOString(),
    version: event.version,
    position: event.position,
    event_type: event.type,
    event_version: from,
    aggregate_id: event.streamId,
    aggregate_type: event.streamType,
  };
}
