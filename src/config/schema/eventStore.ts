/** `event_store`: where events live (embedded PGlite by default, or PostgreSQL). */
import { z } from 'zod';
import { connectionSchema } from './connection.js';
import { ignored, int } from './primitives.js';
import { partitioningSchema, storeArchiveSchema } from './storage.js';
import { tenancySchema } from './tenancy.js';

export const eventStoreSchema = z
  .strictObject({
    type: z.enum(['embedded', 'postgresql']).default('embedded').describe('"embedded" (in-process PGlite, the default) or "postgresql"'),
    data_dir: z.string().default('./.tusk-data').describe('embedded store directory, or "memory://"'),
    connection: connectionSchema.optional().describe('PostgreSQL URL or {host, port, database, username, password}'),
    schema: z.string().default('public').describe('PostgreSQL schema for the tusk-es tables'),
    table_prefix: z.string().default('').describe('prefix of every tusk-es table name'),
    encryption_key: z
      .string()
      .optional()
      .describe('master key that wraps the per-subject keys of personal data (use @env.secure; any secret string, 32+ characters)'),
    pool_size: int.default(10).describe('PostgreSQL connection pool size'),
    serialization: z
      .strictObject({
        compression: z.union([z.boolean(), z.string()]).optional().describe('accepted; PostgreSQL TOAST compresses jsonb'),
        format: ignored,
        versioning: ignored,
        encryption: ignored,
      })
      .default({}),
    partitioning: partitioningSchema.default({ by: 'none', partition_count: 8, interval: 'month' }),
    archive: storeArchiveSchema.optional(),
    tenancy: tenancySchema.optional(),
    // seed vocabulary with no generic meaning
    indexing: ignored,
    indexes: ignored,
    tables: ignored,
    retention: ignored,
  })
  .describe('where events are stored');

export type EventStoreConfig = z.infer<typeof eventStoreSchema>;
