/**
 * `limits`: resource limits that keep one request or one config from taking the process down
 * (README "Limits"). Each has a default, so a config without the block is protected too.
 */
import { z } from 'zod';
import { DEFAULT_LIMITS } from '../../limits.js';
import { int, size } from './primitives.js';

export const limitsSchema = z
  .strictObject({
    event_data: size
      .default(DEFAULT_LIMITS.event_data)
      .describe('largest data of one event, as JSON ("1MB"); a larger one is refused with 413 EVENT_TOO_LARGE'),
    state: size
      .default(DEFAULT_LIMITS.state)
      .describe('largest aggregate state after a command\'s events are applied, as JSON ("4MB"); past it 422 STATE_TOO_LARGE'),
    string_length: int
      .pipe(z.number().int().positive())
      .default(DEFAULT_LIMITS.string_length)
      .describe('longest string an expression may produce (characters); past it 422 STRING_TOO_LONG'),
  })
  .describe('resource limits (README "Limits")');

export type LimitsConfig = z.infer<typeof limitsSchema>;
