/** `GET /dead-letters?consumer=&relay=&status=&after=&limit=` and `POST /dead-letters/{id}/retry` (SPEC §8, issue 14). */
import type { FastifyInstance } from 'fastify';
import { intParam } from '../../http/requestParams.js';
import { InvalidInputError } from '../../errors.js';
import type { Runtime } from '../../runtime/Runtime.js';
import type { DeadLetterStatus } from './DeadLetter.js';
import { deadLetterJson } from './deadLetterJson.js';
import { retryDeadLetter } from './retryDeadLetter.js';
import { listDeadLetters } from './sql/listDeadLetters.js';

const DEFAULT_LIMIT = 100;
const MAX_LIMIT = 1000;
const STATUSES: readonly DeadLetterStatus[] = ['skipped', 'parked', 'held'];

/** Registers the dead-letter routes. */
export function registerDeadLetterRoutes(app: FastifyInstance, runtime: Runtime): void {
  app.get<{ Querystring: Record<string, unknown> }>('/dead-letters', async (request) => {
    const after = intParam(request.query.after, 'after') ?? 0;
    const limit = intParam(request.query.limit, 'limit', { min: 1, max: MAX_LIMIT }) ?? DEFAULT_LIMIT;
    const relay = name(request.query.relay, 'relay');
    const consumer = name(request.query.consumer, 'consumer') ?? (relay === undefined ? undefined : `publisher:${relay}`);
    const status = name(request.query.status, 'status');
    if (status !== undefined && !STATUSES.includes(status as DeadLetterStatus))
      throw new InvalidInputError(`status must be one of ${STATUSES.join(', ')}`, undefined, 'BAD_REQUEST');
    const letters = await listDeadLetters(runtime.store, runtime.store.tables, {
      consumer,
      status: status as DeadLetterStatus | undefined,
      after,
      limit,
    });
    return { dead_letters: letters.map((d) => deadLetterJson(d, runtime.upcaster)), next_after: letters.at(-1)?.id ?? after };
  });

  app.post<{ Params: { id: string } }>('/dead-letters/:id/retry', async (request) => {
    const id = intParam(request.params.id, 'id', { min: 1 })!;
    return retryDeadLetter(runtime, id);
  });
}

function name(value: unknown, what: string): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || value === '') throw new InvalidInputError(`${what} must be one ${what} name`, undefined, 'BAD_REQUEST');
  return value;
}
