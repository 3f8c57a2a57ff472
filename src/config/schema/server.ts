/** `server`: the HTTP API. */
import { z } from 'zod';
import { authSchema } from './auth.js';
import { int, size } from './primitives.js';

export const serverSchema = z
  .strictObject({
    host: z.string().default('127.0.0.1').describe('listen address'),
    port: int.default(4000).describe('listen port (0 = any free port)'),
    auth: authSchema.optional(),
    body_limit: size.default(1_048_576).describe('largest accepted request body ("1MB")'),
    json_depth_limit: int
      .pipe(z.number().int().min(1).max(1000))
      .default(64)
      .describe('deepest nesting of arrays and objects accepted in a JSON body; deeper is 400 JSON_TOO_DEEP'),
    id_length_limit: int
      .pipe(z.number().int().min(1).max(1000))
      .default(256)
      .describe(
        'longest path segment (aggregate id, key), Idempotency-Key, X-Correlation-Id and X-Causation-Id, in characters; longer is 400 ID_TOO_LONG',
      ),
    request_timeout: z.number().int().nonnegative().default(30_000).describe('ms before a request is abandoned'),
    log_level: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info').describe('pino log level'),
  })
  .describe('HTTP server');

export type ServerConfig = z.infer<typeof serverSchema>;
