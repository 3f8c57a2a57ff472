/** `event_versioning`: migrations that upcast stored events on read (SPEC §6). */
import { z } from 'zod';
import { ignored, int, name } from './primitives.js';

export const migrationSchema = z.strictObject({
  event: name.optional().describe('event type (default: the key prefix before _vN_to_vM)'),
  from_version: int.describe('schema version the migration reads'),
  to_version: int.describe('schema version it produces'),
  changes: z
    .strictObject({
      add_fields: z
        .union([z.array(z.string()), z.record(z.string(), z.unknown())])
        .optional()
        .describe('fields to add: a list (null) or field → default'),
      remove_fields: z.array(z.string()).optional().describe('fields to drop'),
      rename_fields: z.record(z.string(), z.string()).optional().describe('old name → new name'),
      transform_fields: z
        .record(z.string(), z.string())
        .optional()
        .describe('field → built-in transform or expression over `value` and `data`'),
    })
    .default({}),
});

export type MigrationConfig = z.infer<typeof migrationSchema>;

export const eventVersioningSchema = z
  .strictObject({
    migrations: z.record(z.string(), migrationSchema).default({}).describe('migration name → migration'),
    version_strategy: ignored,
    migration_enabled: ignored,
    backward_compatibility: ignored,
  })
  .default({ migrations: {} });

export type EventVersioningConfig = z.infer<typeof eventVersioningSchema>;
