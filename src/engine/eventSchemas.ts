/**
 * Event payload schemas (SPEC §2 `events` block): an event a command is about to append is
 * checked against the schema of its type, which describes the version new events are written
 * at (the newest one). Same field specs and validator as command inputs; a mismatch is a
 * 422 naming every bad field of every event, and nothing is stored.
 */
import type { AppConfig } from '../config/schema/index.js';
import { InvalidInputError, RuleViolationError } from '../errors.js';
import type { PendingEvent } from './buildEvents.js';
import { compileInputSpec, validateInput, type CompiledInputSpec, type FieldProblem } from './validateInput.js';

/** The compiled payload schema of one event type. */
export interface EventSchema {
  spec: CompiledInputSpec;
  fields: ReadonlySet<string>;
}

/** Event type → its compiled payload schema (types without `schema` are not checked). */
export type EventSchemas = ReadonlyMap<string, EventSchema>;

/** One bad field of one emitted event. */
export interface EventSchemaProblem extends FieldProblem {
  event: string;
}

const compiled = new WeakMap<object, EventSchemas>();

/** Compiles the schemas of the `events` block (once per model: every aggregate shares them). */
export function compileEventSchemas(events: AppConfig['events']): EventSchemas {
  let schemas = compiled.get(events);
  if (schemas === undefined) {
    schemas = new Map(
      Object.entries(events).flatMap(([type, e]) =>
        e.schema === undefined ? [] : [[type, { spec: compileInputSpec(e.schema), fields: new Set(Object.keys(e.schema)) }] as const],
      ),
    );
    compiled.set(events, schemas);
  }
  return schemas;
}

/** The events with their data validated (schema defaults filled in); throws EVENT_SCHEMA_VIOLATION. */
export function checkEventSchemas(schemas: EventSchemas, events: readonly PendingEvent[]): PendingEvent[] {
  if (schemas.size === 0) return [...events];
  const problems: EventSchemaProblem[] = [];
  const checked = events.map((e) => {
    const schema = schemas.get(e.type);
    if (schema === undefined) return e;
    const { data, problems: found } = validateData(schema, e.data);
    problems.push(...found.map((p) => ({ event: e.type, ...p })));
    return { ...e, data };
  });
  if (problems.length > 0) {
    const list = problems.map((p) => `${p.event}.${p.field} ${p.message}`).join('; ');
    throw new RuleViolationError(`an emitted event does not match its schema: ${list}`, problems, 'EVENT_SCHEMA_VIOLATION');
  }
  return checked;
}

function validateData(schema: EventSchema, data: Record<string, unknown>): { data: Record<string, unknown>; problems: FieldProblem[] } {
  // Extra fields are reported here, in event words; validateInput checks the declared ones.
  const extra = Object.keys(data).filter((k) => !schema.fields.has(k));
  const declared = extra.length === 0 ? data : Object.fromEntries(Object.entries(data).filter(([k]) => schema.fields.has(k)));
  const problems: FieldProblem[] = extra.map((field) => ({ field, message: 'is not in the event schema' }));
  try {
    return { data: validateInput(schema.spec, declared), problems };
  } catch (err) {
    if (!(err instanceof InvalidInputError)) throw err;
    return { data, problems: [...((err.details as FieldProblem[] | undefined) ?? []), ...problems] };
  }
}
