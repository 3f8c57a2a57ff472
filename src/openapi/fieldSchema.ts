/** A config field spec (`input`, `events.<T>.schema`) as a JSON Schema, the way validateInput checks it. */
import type { FieldSpec } from '../config/schema/primitives.js';

type Schema = Record<string, unknown>;

/** The JSON Schema of one field. */
export function fieldSchema(spec: FieldSpec): Schema {
  const base: Schema = typeSchema(spec.type);
  const numeric = spec.type === 'number' || spec.type === 'integer';
  const sized = spec.type === 'array' ? ['minItems', 'maxItems'] : ['minLength', 'maxLength'];
  if (spec.min !== undefined) base[numeric ? 'minimum' : sized[0]!] = spec.min;
  if (spec.max !== undefined) base[numeric ? 'maximum' : sized[1]!] = spec.max;
  if (spec.pattern !== undefined) base.pattern = spec.pattern;
  if (spec.values !== undefined) base.enum = spec.values;
  if (spec.default !== undefined) base.default = spec.default;
  return spec.optional ? { anyOf: [base, { type: 'null' }] } : base;
}

/** An object of declared fields; unknown fields are refused, as commands refuse them. */
export function fieldsSchema(fields: Readonly<Record<string, FieldSpec>>, options: { closed: boolean }): Schema {
  const required = Object.entries(fields)
    .filter(([, s]) => !s.optional && s.default === undefined)
    .map(([f]) => f);
  return {
    type: 'object',
    properties: Object.fromEntries(Object.entries(fields).map(([f, s]) => [f, fieldSchema(s)])),
    ...(required.length > 0 ? { required } : {}),
    additionalProperties: !options.closed,
  };
}

function typeSchema(type: FieldSpec['type']): Schema {
  switch (type) {
    case 'any':
      return {};
    case 'timestamp':
      return { type: 'string', format: 'date-time' };
    case 'uuid':
      return { type: 'string', format: 'uuid' };
    case 'email':
      return { type: 'string', format: 'email' };
    default:
      return { type };
  }
}
