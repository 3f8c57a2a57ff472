/**
 * Command input validation against the declared `input` fields (SPEC §3): every bad field is
 * named in one 400, unknown fields are rejected, defaults are filled in. Runs before anything
 * is read or written.
 */
import type { FieldSpec } from '../config/schema/index.js';
import { InvalidInputError } from '../errors.js';
import { parseIsoTimestamp } from '../util/isoTimestamp.js';
import { compileUserPattern, type UserPattern } from '../util/userPattern.js';

/** One rejected field of a command input. */
export interface FieldProblem {
  field: string;
  message: string;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
// WHATWG's "valid e-mail address" (what browsers check in <input type=email>), with at least
// one dot in the domain and RFC 5321's lengths. The length is checked first, and the regex has
// no nested quantifiers over one class, so a hostile value costs time linear in 254 at most.
const EMAIL =
  /^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+$/;
const EMAIL_MAX = 254;
const EMAIL_LOCAL_MAX = 64;

/** Input specs compiled once per command: each `pattern` is compiled at startup (linear-time, RE2). */
export type CompiledInputSpec = ReadonlyArray<readonly [field: string, spec: FieldSpec, pattern: UserPattern | undefined]>;

/** Compiles a command's `input` block (builds each `pattern` once). */
export function compileInputSpec(input: Readonly<Record<string, FieldSpec>>): CompiledInputSpec {
  return Object.entries(input).map(
    ([field, spec]) => [field, spec, spec.pattern === undefined ? undefined : compileUserPattern(spec.pattern)] as const,
  );
}

/**
 * Validates `input` against `spec`; returns the validated value (with defaults) or throws an
 * InvalidInputError whose details name every bad field.
 */
export function validateInput(spec: CompiledInputSpec, input: unknown): Record<string, unknown> {
  const body = input === undefined || input === null ? {} : input;
  if (typeof body !== 'object' || Array.isArray(body)) {
    throw new InvalidInputError('the command input must be a JSON object', [{ field: '', message: 'expected a JSON object' }]);
  }
  const given = body as Record<string, unknown>;
  const problems: FieldProblem[] = [];
  const out: Record<string, unknown> = {};
  for (const [field, fieldSpec, pattern] of spec) {
    const value = Object.prototype.hasOwnProperty.call(given, field) ? given[field] : undefined;
    if (value === undefined || value === null) {
      if (fieldSpec.default !== undefined) out[field] = structuredClone(fieldSpec.default);
      else if (!fieldSpec.optional) problems.push({ field, message: 'is required' });
      else if (value === null) out[field] = null;
      continue;
    }
    const message = checkValue(fieldSpec, pattern, value);
    if (message !== undefined) problems.push({ field, message });
    else out[field] = value;
  }
  const known = fieldsOf(spec);
  for (const field of Object.keys(given)) {
    if (!known.has(field)) problems.push({ field, message: 'is not a declared input field' });
  }
  if (problems.length > 0) {
    const names = problems.map((p) => p.field).join(', ');
    throw new InvalidInputError(`invalid input: ${names}`, problems);
  }
  return out;
}

const specFields = new WeakMap<CompiledInputSpec, ReadonlySet<string>>();

/** The field names of `spec` (made once per spec, not per command). */
function fieldsOf(spec: CompiledInputSpec): ReadonlySet<string> {
  let fields = specFields.get(spec);
  if (fields === undefined) specFields.set(spec, (fields = new Set(spec.map(([field]) => field))));
  return fields;
}

/** The problem with one present value, or undefined when it is fine. */
function checkValue(spec: FieldSpec, pattern: UserPattern | undefined, value: unknown): string | undefined {
  const typeProblem = checkType(spec.type, value);
  if (typeProblem !== undefined) return typeProblem;
  if (typeof value === 'number') {
    if (spec.min !== undefined && value < spec.min) return `must be at least ${spec.min}`;
    if (spec.max !== undefined && value > spec.max) return `must be at most ${spec.max}`;
  } else if (typeof value === 'string' || Array.isArray(value)) {
    const what = typeof value === 'string' ? 'characters' : 'items';
    if (spec.min !== undefined && value.length < spec.min) return `must have at least ${spec.min} ${what}`;
    if (spec.max !== undefined && value.length > spec.max) return `must have at most ${spec.max} ${what}`;
  }
  if (pattern !== undefined && typeof value === 'string' && !pattern.test(value)) return `must match ${spec.pattern}`;
  if (spec.values !== undefined && !spec.values.some((allowed) => sameValue(allowed, value))) {
    return `must be one of ${spec.values.map((v) => JSON.stringify(v)).join(', ')}`;
  }
  return undefined;
}

/** The type mismatch message, or undefined when `value` has `type`. */
function checkType(type: FieldSpec['type'], value: unknown): string | undefined {
  switch (type) {
    case 'any':
      return undefined;
    case 'string':
      return typeof value === 'string' ? undefined : 'must be a string';
    case 'number':
      return typeof value === 'number' && Number.isFinite(value) ? undefined : 'must be a number';
    case 'integer':
      return Number.isInteger(value) ? undefined : 'must be an integer';
    case 'boolean':
      return typeof value === 'boolean' ? undefined : 'must be a boolean';
    case 'array':
      return Array.isArray(value) ? undefined : 'must be an array';
    case 'object':
      return typeof value === 'object' && value !== null && !Array.isArray(value) ? undefined : 'must be an object';
    case 'timestamp':
      return typeof value === 'string' && parseIsoTimestamp(value) !== undefined
        ? undefined
        : 'must be an ISO-8601 timestamp with a real date, years 0001-9999';
    case 'uuid':
      return typeof value === 'string' && UUID.test(value) ? undefined : 'must be a UUID';
    case 'email':
      return typeof value === 'string' && isEmail(value) ? undefined : 'must be an email address';
  }
}

/** An address as WHATWG defines it: at most 254 characters, 64 before the @. */
function isEmail(value: string): boolean {
  if (value.length > EMAIL_MAX) return false;
  const at = value.indexOf('@');
  return at > 0 && at <= EMAIL_LOCAL_MAX && EMAIL.test(value);
}

/** Structural equality for `values` (JSON-shaped data only). */
function sameValue(a: unknown, b: unknown): boolean {
  return a === b || (typeof a === 'object' && typeof b === 'object' && JSON.stringify(a) === JSON.stringify(b));
}
