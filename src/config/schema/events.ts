/** `events`: optional payload schemas and current schema version per event type. */
import { z } from 'zod';
import { fieldSpec, int } from './primitives.js';
import { personalDataSchema } from './personalData.js';

export const eventSchema = z
  .strictObject({
    version: int.default(1).describe('the schema version new events are written at'),
    schema: z.record(z.string(), fieldSpec).optional().describe('payload field → type; checked on append'),
    personal_data: personalDataSchema.optional(),
    description: z.string().optional(),
  })
  .describe('an event type');

export type EventConfig = z.infer<typeof eventSchema>;

export const eventsSchema = z.record(z.string(), eventSchema).default({});
