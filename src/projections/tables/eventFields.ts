/**
 * What the data of each event type holds, as far as the config tells: the payload schema of
 * the `events` block, else the commands that emit it (`emits`: data is the input; `emit`: the
 * data map's keys, typed by their expressions). Used to infer projection columns.
 */
import type { AggregateConfig } from '../../config/schema/aggregates.js';
import type { EventConfig } from '../../config/schema/events.js';
import { parseExpression } from '../../expr/index.js';
import { fieldSqlType, inferType, mergeTypes } from './inferType.js';

/** The parts of the model that describe event data. */
export interface EventModel {
  aggregates: Readonly<Record<string, AggregateConfig>>;
  events: Readonly<Record<string, EventConfig>>;
}

/** Data field → SQL type (undefined: present, type unknown), per event type. */
export type EventFields = ReadonlyMap<string, ReadonlyMap<string, string | undefined>>;

/** The known data fields of every event type of `model`. */
export function eventFields(model: EventModel): EventFields {
  const out = new Map<string, Map<string, string | undefined>>();
  const add = (type: string, field: string, sqlType: string | undefined) => {
    let fields = out.get(type);
    if (fields === undefined) out.set(type, (fields = new Map<string, string | undefined>()));
    fields.set(field, fields.has(field) ? mergeTypes(fields.get(field), sqlType) : sqlType);
  };
  const declared = new Set<string>();
  for (const [type, event] of Object.entries(model.events)) {
    if (event.schema === undefined) continue;
    declared.add(type);
    for (const [field, spec] of Object.entries(event.schema)) add(type, field, fieldSqlType(spec));
  }
  for (const agg of Object.values(model.aggregates)) {
    for (const cmd of Object.values(agg.commands)) {
      const inputs = new Map(Object.entries(cmd.input).map(([k, spec]) => [k, fieldSqlType(spec)]));
      for (const emit of cmd.emit) {
        // a payload schema is the contract: commands cannot add to it
        if (declared.has(emit.type)) continue;
        if (emit.data === undefined) {
          for (const [field, t] of inputs) add(emit.type, field, t);
          if (inputs.size === 0 && !out.has(emit.type)) out.set(emit.type, new Map());
          continue;
        }
        for (const [field, text] of Object.entries(emit.data)) {
          const { ast } = parseExpression(text);
          add(
            emit.type,
            field,
            ast === undefined
              ? undefined
              : inferType(ast, { dataField: () => undefined, column: () => undefined, input: (f) => inputs.get(f) }),
          );
        }
      }
    }
  }
  return out;
}
