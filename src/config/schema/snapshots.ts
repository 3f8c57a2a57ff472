/** `snapshots`: defaults for aggregate snapshots. */
import { z } from 'zod';
import { duration, flag, ignored, int } from './primitives.js';

export const snapshotsSchema = z
  .strictObject({
    enabled: flag.default(true).describe('take snapshots at all'),
    frequency: int.optional().describe('default snapshot_frequency of aggregates that set none'),
    retention: duration.optional().describe('accepted; old snapshots are replaced, not kept'),
    compression: z.union([z.boolean(), z.string()]).optional().describe('accepted; PostgreSQL compresses jsonb'),
    storage: ignored,
    serialization: ignored,
  })
  .describe('snapshot defaults');

export type SnapshotsConfig = z.infer<typeof snapshotsSchema>;
