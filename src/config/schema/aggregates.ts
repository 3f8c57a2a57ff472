/**
 * `aggregates`: aggregates declared without user code (SPEC §3): initial state, commands with
 * input validation and `require` rules, the events they emit, and `apply` rules.
 */
import { z } from 'zod';
import { personalDataSchema } from './personalData.js';
import { duration, expr, fieldSpec, ignored, int, name } from './primitives.js';
import { archiveRuleSchema } from './storage.js';

const requireRule = z
  .union([
    expr,
    z.strictObject({
      when: expr.describe('must be true for the command to run'),
      message: z.string().optional().describe('the 422 message when it is false'),
    }),
  ])
  .transform((r) => (typeof r === 'string' ? { when: r, message: undefined } : { when: r.when, message: r.message }));

const emitSpec = z.strictObject({
  type: name.describe('event type'),
  data: z.record(z.string(), expr).optional().describe('event field → expression; default: the validated input'),
  metadata: z.record(z.string(), expr).optional().describe('extra metadata field → expression'),
  when: expr.optional().describe('emit only when this holds'),
});

export type EmitSpec = z.infer<typeof emitSpec>;

export const commandSchema = z
  .strictObject({
    creates: z.boolean().default(false).describe('the command starts a new stream (409 if it exists)'),
    input: z.record(z.string(), fieldSpec).default({}).describe('input field → type'),
    require: z.array(requireRule).default([]).describe('rules that must all hold (422 otherwise)'),
    emits: name.optional().describe('emit one event whose data is the validated input'),
    emit: z
      .union([emitSpec, z.array(emitSpec)])
      .optional()
      .describe('events with mapped data'),
    description: z.string().optional(),
  })
  .superRefine((c, ctx) => {
    if (c.emits === undefined && c.emit === undefined) {
      ctx.addIssue({ code: 'custom', message: 'a command needs `emits = "EventType"` or `emit = { type, data }`' });
    }
    if (c.emits !== undefined && c.emit !== undefined) {
      ctx.addIssue({ code: 'custom', message: 'use either `emits` or `emit`, not both' });
    }
  })
  .transform((c) => ({
    creates: c.creates,
    input: c.input,
    require: c.require,
    emit: c.emits !== undefined ? [{ type: c.emits }] : Array.isArray(c.emit) ? c.emit : c.emit ? [c.emit] : [],
    description: c.description,
  }));

export type CommandConfig = z.infer<typeof commandSchema>;

/** `retention`: how much history a stream keeps; older events give way to a closing snapshot. */
export const retentionSchema = z
  .strictObject({
    max_age: duration
      .optional()
      .describe('events older than this are removed (e.g. "400 days"); the newest of them becomes the closing snapshot'),
    max_count: int
      .refine((n) => n >= 1, 'must be at least 1')
      .optional()
      .describe('a stream keeps at most this many events, its closing snapshot included'),
    check_every: duration.default(3_600_000).describe('how often the background job looks for streams past the limits (default "1 hour")'),
  })
  .refine((r) => r.max_age !== undefined || r.max_count !== undefined, 'retention needs max_age, max_count or both')
  .describe('history kept per stream: truncation leaves a closing snapshot, so the state stays the same');

export type RetentionConfig = z.infer<typeof retentionSchema>;

export const aggregateSchema = z
  .strictObject({
    state: z.record(z.string(), z.unknown()).default({}).describe('initial state'),
    snapshot_frequency: int.optional().describe('store the state every N events'),
    unique: z.array(z.string()).default([]).describe('state fields unique across all aggregates of the type'),
    status_field: z.string().default('status').describe('the field valid_status_transitions guards'),
    valid_status_transitions: z.record(z.string(), z.array(z.string())).optional().describe('old status → allowed new statuses'),
    event_types: z.array(name).optional().describe('the events the aggregate may emit'),
    commands: z.record(z.string(), commandSchema).default({}).describe('command name → command'),
    apply: z
      .record(z.string(), z.record(z.string(), expr))
      .default({})
      .describe('event type → (state field → expression); unlisted events shallow-merge their data'),
    personal_data: personalDataSchema.optional().describe('personal fields of every event of this aggregate'),
    max_events: int.optional().describe('reject commands on streams longer than this'),
    archive: archiveRuleSchema
      .optional()
      .describe("when this aggregate's streams move to cold storage (overrides event_store.archive's rule)"),
    retention: retentionSchema.optional(),
    description: z.string().optional(),
    projection_tables: ignored,
  })
  .describe('an aggregate type');

export type AggregateConfig = z.infer<typeof aggregateSchema>;

export const aggregatesSchema = z.record(z.string(), aggregateSchema).default({});
