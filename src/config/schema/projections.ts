/** `projections`: SQL read models fed by events (SPEC §5). */
import { z } from 'zod';
import { duration, expr, flag, ignored, int, name, onError, partitions } from './primitives.js';

const mappingSchema = z.strictObject({
  action: z.enum(['insert', 'update', 'upsert', 'delete']).default('upsert').describe('what the event does to the row'),
  where: expr.optional().describe('row filter of update and delete (default: <key> = aggregate_id)'),
  fields: z.record(z.string(), expr).default({}).describe('column → expression'),
  when: expr.optional().describe('apply only when this holds'),
});

export type ProjectionMapping = z.infer<typeof mappingSchema>;

const positive = int.refine((n) => n >= 1, 'must be at least 1');

/** A column declaration: "text", "numeric(10,2)", "text primary key", "integer not null". */
const columnType = z.string().describe('SQL type, optionally with PRIMARY KEY, NOT NULL or UNIQUE');

/** A column: its SQL type, or `{ type, personal = true }` for a column that holds personal data (scrubbed on forget). */
const columnSchema = z.union([
  columnType,
  z.strictObject({
    type: columnType,
    personal: z.boolean().default(false).describe('the column copies personal data: allowed, and scrubbed when its subject is forgotten'),
  }),
]);

const columnsSchema = z.record(z.string(), columnSchema).describe('column → SQL type, or { type, personal = true }');

/** Splits `columns` into the SQL types the tables need and the names of the personal columns. */
function splitColumns<T extends { columns?: Record<string, z.infer<typeof columnSchema>> | undefined }>(
  p: T,
): Omit<T, 'columns'> & { columns?: Record<string, string>; personal_columns: string[] } {
  const { columns, ...rest } = p;
  if (columns === undefined) return { ...rest, personal_columns: [] };
  const types: Record<string, string> = {};
  const personal: string[] = [];
  for (const [name, c] of Object.entries(columns)) {
    types[name] = typeof c === 'string' ? c : c.type;
    if (typeof c !== 'string' && c.personal) personal.push(name);
  }
  return { ...rest, columns: types, personal_columns: personal };
}

/** An index: one column, or a list of columns. */
const indexSchema = z.union([z.string(), z.array(z.string()).min(1)]).transform((v) => (typeof v === 'string' ? [v] : v));

const joinSchema = z
  .strictObject({
    table: z.string().describe('child table'),
    foreign_key: z.string().describe('child column holding the parent key (the aggregate id)'),
    events: z.array(name).default([]).describe('events that feed the child table'),
    key: z.string().optional().describe('child primary key column (default: `id`, the log position of the event that added the row)'),
    columns: columnsSchema.optional(),
    mapping: z.record(z.string(), mappingSchema).default({}).describe('event type → mapping; unmapped events add a row with their data'),
    indexes: z.array(indexSchema).default([]).describe('extra indexes of the child table (the foreign key is always indexed)'),
  })
  .transform(splitColumns);

export type ProjectionJoin = z.infer<typeof joinSchema>;

export const projectionSchema = z
  .strictObject({
    table: z.string().describe('the read-model table'),
    events: z.array(name).default([]).describe('event types this projection consumes'),
    key: z.string().default('id').describe('primary key column'),
    columns: columnsSchema.optional().describe('column → SQL type (inferred when absent)'),
    mapping: z.record(z.string(), mappingSchema).default({}).describe('event type → mapping; unmapped events upsert their data'),
    joins: z.record(z.string(), joinSchema).default({}).describe('child tables'),
    indexes: z.array(indexSchema).default([]).describe('extra indexes: a column, or a list of columns'),
    mode: z.enum(['inline', 'async']).optional().describe('inline: same transaction as the append; async: checkpointed worker'),
    batch_size: positive.optional().describe('events per async batch'),
    partitions,
    enabled: flag.optional().describe('keep this read model up to date (default: projection_defaults.enabled)'),
    on_error: onError
      .optional()
      .describe('async only: what to do with an event the tables refuse after max_retries (default: projection_defaults.on_error, park)'),
    max_retries: int
      .refine((n) => n >= 0, 'must be 0 or more')
      .optional()
      .describe('async only: attempts after the first at an event the tables refuse (default: projection_defaults.retry_attempts)'),
    on_stream_deleted: z
      .union([
        z.enum(['keep', 'delete']),
        z.strictObject({ where: expr.describe('which rows of the table go (default: <key> = aggregate_id)') }),
      ])
      .default('keep')
      .describe(
        'what a hard delete of a stream does to this read model: "keep" its rows (default), "delete" the rows keyed by the aggregate id (and join rows whose foreign key is it), or { where } for other rows',
      ),
    on_snapshot: mappingSchema
      .optional()
      .describe(
        "what a closing snapshot (`$snapshot`, left by a truncation) of a stream feeding this read model writes: a mapping whose expressions read the aggregate's state as data.state.<field>; without it, a rebuild after a truncation misses the removed events",
      ),
    description: z.string().optional(),
  })
  .transform(splitColumns)
  .describe('a read model');

export type ProjectionConfig = z.infer<typeof projectionSchema>;

export const projectionsSchema = z.record(z.string(), projectionSchema).default({});

/** Settings shared by all projections (seed 002's [projections] scalars, seed 000's real_time). */
export const projectionDefaultsSchema = z
  .strictObject({
    enabled: flag.default(true).describe('run projections at all'),
    mode: z.enum(['inline', 'async']).default('inline').describe('default mode'),
    batch_size: positive.default(1000).describe('default async batch size'),
    retry_attempts: int
      .default(3)
      .describe('max_retries of every async projection: attempts after the first at an event the tables refuse, before on_error applies'),
    on_error: onError.default('park').describe('on_error of every async projection'),
    poll_interval: duration.default(1000).describe('how often an async projection looks for events appended by other processes'),
    lease_ttl: duration
      .default(15_000)
      .describe(
        'how long another process waits to take over a partition of an async projection, publisher or subscriber whose process died',
      ),
    parallel_processing: ignored,
    batch_processing: ignored,
    materialized_views: ignored,
    read_models: ignored,
  })
  .default({
    enabled: true,
    mode: 'inline',
    batch_size: 1000,
    retry_attempts: 3,
    on_error: 'park',
    poll_interval: 1000,
    lease_ttl: 15_000,
  });

export type ProjectionDefaults = z.infer<typeof projectionDefaultsSchema>;
