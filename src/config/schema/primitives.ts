/**
 * Shared zod building blocks: durations, sizes, expression strings, input field types.
 * Durations become milliseconds and sizes bytes, so the rest of the engine sees numbers.
 */
import { z } from 'zod';
import { patternProblem } from '../../util/userPattern.js';

const DURATION_UNITS: Record<string, number> = {
  ms: 1,
  millisecond: 1,
  milliseconds: 1,
  s: 1000,
  sec: 1000,
  secs: 1000,
  second: 1000,
  seconds: 1000,
  m: 60_000,
  min: 60_000,
  mins: 60_000,
  minute: 60_000,
  minutes: 60_000,
  h: 3_600_000,
  hr: 3_600_000,
  hrs: 3_600_000,
  hour: 3_600_000,
  hours: 3_600_000,
  d: 86_400_000,
  day: 86_400_000,
  days: 86_400_000,
  w: 604_800_000,
  week: 604_800_000,
  weeks: 604_800_000,
  mo: 2_592_000_000,
  month: 2_592_000_000,
  months: 2_592_000_000,
  y: 31_536_000_000,
  yr: 31_536_000_000,
  year: 31_536_000_000,
  years: 31_536_000_000,
};

const SIZE_UNITS: Record<string, number> = {
  b: 1,
  byte: 1,
  bytes: 1,
  kb: 1024,
  k: 1024,
  mb: 1024 ** 2,
  m: 1024 ** 2,
  gb: 1024 ** 3,
  g: 1024 ** 3,
  tb: 1024 ** 4,
  t: 1024 ** 4,
};

/** Parses "30 minutes", "1 hour", "24h", "7 years", "30d" into milliseconds; undefined if malformed. */
export function parseDuration(text: string): number | undefined {
  const m = /^\s*(\d+(?:\.\d+)?)\s*([a-zA-Z]+)\s*$/.exec(text);
  if (!m) return undefined;
  const unit = DURATION_UNITS[m[2]!.toLowerCase()];
  return unit === undefined ? undefined : Math.round(Number(m[1]) * unit);
}

/** Parses "2GB", "10KB", "512 b" into bytes; undefined if malformed. */
export function parseSize(text: string): number | undefined {
  const m = /^\s*(\d+(?:\.\d+)?)\s*([a-zA-Z]+)\s*$/.exec(text);
  if (!m) return undefined;
  const unit = SIZE_UNITS[m[2]!.toLowerCase()];
  return unit === undefined ? undefined : Math.round(Number(m[1]) * unit);
}

/** A duration: a number of milliseconds, or a string such as "30 minutes". */
export const duration = z.union([z.number().nonnegative(), z.string()]).transform((v, ctx) => {
  if (typeof v === 'number') return v;
  const ms = parseDuration(v);
  if (ms === undefined) {
    ctx.addIssue({ code: 'custom', message: `bad duration "${v}" (expected e.g. "30 minutes", "1 hour", "24h", "7 years")` });
    return z.NEVER;
  }
  return ms;
});

/** A size: a number of bytes, or a string such as "2GB". */
export const size = z.union([z.number().nonnegative(), z.string()]).transform((v, ctx) => {
  if (typeof v === 'number') return v;
  const bytes = parseSize(v);
  if (bytes === undefined) {
    ctx.addIssue({ code: 'custom', message: `bad size "${v}" (expected e.g. "10KB", "2GB")` });
    return z.NEVER;
  }
  return bytes;
});

/** Booleans as the seeds write them: true/false, or "true"/"false" from @env. */
export const flag = z.union([z.boolean(), z.enum(['true', 'false'])]).transform((v) => v === true || v === 'true');

/** Integers as the seeds write them: numbers, or numeric strings from @env. */
export const int = z.union([z.number().int(), z.string().regex(/^-?\d+$/, 'expected an integer')]).transform(Number);

/**
 * `partitions = N` of a consumer of the log (an async projection, a publisher target, a
 * subscriber, a saga's trigger): its events split by hash(aggregate type, id) mod N, each
 * part with its own checkpoint and lease, spread over the `serve` processes on one database.
 */
export const partitions = int
  .refine((n) => n >= 1 && n <= 256, 'must be between 1 and 256')
  .optional()
  .describe(
    'partitions of this consumer: events split by hash(aggregate type, id) mod N (order per stream kept), each run by one of the live `serve` processes (default 1)',
  );

/** An expression of the expression language (compiled and checked by src/expr). */
export const expr = z.string().min(1).describe('an expression (SPEC §4)');

/** An identifier-like name (event types, commands, fields). */
export const name = z.string().regex(/^[A-Za-z_][A-Za-z0-9_.-]*$/, 'expected a name');

export const FIELD_TYPES = ['string', 'number', 'integer', 'boolean', 'array', 'object', 'timestamp', 'uuid', 'email', 'any'] as const;

const fieldTypeName = z.enum(FIELD_TYPES);

/** An input/event field: "string", "integer?" or { type, min, max, pattern, values, optional }. */
export const fieldSpec = z
  .union([
    z.string(),
    z.strictObject({
      type: z.string().describe('the field type; suffix ? = optional'),
      optional: z.boolean().optional().describe('the field may be absent or null'),
      min: z.number().optional().describe('minimum (numbers) or minimum length (strings, arrays)'),
      max: z.number().optional().describe('maximum (numbers) or maximum length (strings, arrays)'),
      pattern: z
        .string()
        .optional()
        .describe('a regular expression strings must match (RE2 syntax: linear time, no backreferences or lookaround)'),
      values: z.array(z.unknown()).optional().describe('the allowed values'),
      default: z.unknown().optional().describe('the value used when the field is absent'),
      description: z.string().optional(),
    }),
  ])
  .transform((spec, ctx) => {
    const raw = typeof spec === 'string' ? spec : spec.type;
    const optionalSuffix = raw.endsWith('?');
    const typeName = optionalSuffix ? raw.slice(0, -1) : raw;
    const parsed = fieldTypeName.safeParse(typeName);
    if (!parsed.success) {
      ctx.addIssue({
        code: 'custom',
        message: `unknown field type "${raw}" (expected one of ${FIELD_TYPES.join(', ')}, optionally with ?)`,
      });
      return z.NEVER;
    }
    const problem = typeof spec === 'string' || spec.pattern === undefined ? undefined : patternProblem(spec.pattern);
    if (problem !== undefined) {
      ctx.addIssue({ code: 'custom', message: problem, path: ['pattern'] });
      return z.NEVER;
    }
    const rest: { optional?: boolean; min?: number; max?: number; pattern?: string; values?: unknown[]; default?: unknown } =
      typeof spec === 'string' ? {} : spec;
    return {
      type: parsed.data,
      optional: optionalSuffix || rest.optional === true,
      ...(rest.min !== undefined ? { min: rest.min } : {}),
      ...(rest.max !== undefined ? { max: rest.max } : {}),
      ...(rest.pattern !== undefined ? { pattern: rest.pattern } : {}),
      ...(rest.values !== undefined ? { values: rest.values } : {}),
      ...(rest.default !== undefined ? { default: rest.default } : {}),
    };
  });

export type FieldSpec = z.infer<typeof fieldSpec>;

/** Retry policy as seed 000 writes it. */
export const retryPolicy = z.strictObject({
  max_retries: int.default(3).describe('attempts after the first one'),
  backoff_multiplier: z.number().positive().default(2).describe('each delay is the previous one times this'),
  initial_delay: duration.default(100).describe('delay before the first retry'),
  max_delay: duration.default(30_000).describe('upper bound of one delay'),
});

/** Keys the seeds write that tusk-es accepts and ignores (check warns). */
export const ignored = z.unknown().optional().describe('accepted for compatibility with the seeds; has no effect');

/** `on_error` of a consumer of the log: what it does with an event it keeps failing on (src/consumers/poison.ts). */
export const onError = z
  .enum(['stop', 'skip', 'park'])
  .describe(
    'after max_retries: stop the consumer, skip the event (a dead letter), or park it (a dead letter that holds back the later events of its stream until POST /dead-letters/{id}/retry)',
  );
