/** `personal_data` (issue 16): which event fields are personal, and whose they are. */
import { z } from 'zod';
import { expr } from './primitives.js';

/** A field path: `email`, `address.city`, `address.*` (every field of `address`). */
const fieldPath = z
  .string()
  .regex(
    /^[A-Za-z_$][A-Za-z0-9_$-]*(\.([A-Za-z_$][A-Za-z0-9_$-]*|\*))*$/,
    'expected a field path such as "email", "address.city" or "address.*"',
  );

export const personalDataSchema = z
  .strictObject({
    subject: expr.default('aggregate_id').describe('expression naming the data subject (default: aggregate_id); one key per subject'),
    fields: z.array(fieldPath).min(1).describe('personal fields of the event data, stored encrypted: "email", "address.city", "address.*"'),
    erased_value: z.unknown().optional().describe('what reads see in place of a field once its subject is forgotten (default null)'),
  })
  .describe('personal fields, stored encrypted with a key per data subject (crypto-shredding)');

export type PersonalDataConfig = z.infer<typeof personalDataSchema>;
