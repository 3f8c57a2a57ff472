/** `projections`: SQL read models fed by events (SPEC §5). */
import { z } from 'zod';
import { expr, flag, ignored, int, name } from './primitives.js';

const mappingSchema = z.strictObject({
  action: z.enum(['insert', 'update', 'upsert', 'delete']).default('upsert').describe('what the event does to the row'),
  where: expr.optional().describe('row filter (default: <key> = aggregate_id)'),
  fields: z.record(z.string(), expr).default({}).describe('column → expression'),
  when: expr.optional().describe('apply only when this holds'),
});

export type ProjectionMapping = z.infer<typeof mappingSchema>;

const joinSchema = z.strictObject({
  table: z.string().describe('child table'),
  foreign_key: z.string().describe('child column holding the parent key'),
  events: z.array(name).default([]).describe('events that feed the child table'),
  key: z.string().optional().describe('child primary key column (default: a generated id)'),
  columns: z.record(z.string(), z.string()).optional().describe('column → SQL type'),
  mapping: z.record(z.string(), mappingSchema).default({}).describe('event type → mapping'),
});

export const projectionSchema = z
  .strictObject({
    table: z.string().describe('the read-model table'),
    events: z.array(name).default([]).describe('event types this projection consumes'),
    key: z.string().default('id').describe('primary key column'),
    columns: z.record(z.string(), z.string()).optional().describe('column → SQL type (inferred when absent)'),
    mapping: z.record(z.string(), mappingSchema).default({}).describe('event type → mapping; unmapped events upsert their data'),
    joins: z.record(z.string(), joinSchema).default({}).describe('child tables'),
    mode: z.enum(['inline', 'async']).optional().describe('inline: same transaction as the append; async: checkpointed worker'),
    batch_size: int.optional().describe('events per async batch'),
    description: z.string().optional(),
  })
  .describe('a read model');

export type ProjectionConfig = z.infer<typeof projectionSchema>;

export const projectionsSchema = z.record(z.string(), projectionSchema).default({});

/** Settings shared by all projections (seed 002's [projections] scalars, seed 000's real_time). */
export const projectionDefaultsSchema = z
  .strictObject({
    enabled: flag.default(true).describe('run projections at all'),
    mode: z.enum(['inline', 'async']).default('inline').describe('default mode'),
    batch_size: int.default(1000).describe('default async batch size'),
    retry_attempts: int.default(3).describe('attempts before an async projection stops on a failing event'),
    parallel_processing: ignored,
    batch_processing: ignored,
    materialized_views: ignored,
    read_models: ignored,
  })
  .default({ enabled: true, mode: 'inline', batch_size: 1000, retry_attempts: 3 });

export type ProjectionDefaults = z.infer<typeof projectionDefaultsSchema>;
