/** `GET /dead-letters?relay=&after=&limit=` and `POST /dead-letters/{id}/retry` (SPEC §8). */
import type { FastifyInstance } from 'fastify';
import { intParam } from '../../http/requestParams.js';
import { InvalidInputError } from '../../errors.js';
import type { Runtime } from '../../runtime/Runtime.js';
import type { Publisher } from '../Publisher.js';
import type { PublisherMetrics } from '../PublisherMetrics.js';
import { deadLetterJson } from './deadLetterJson.js';
import { retryDeadLetter } from './retryDeadLetter.js';
import { listDeadLetters } from './sql/listDeadLetters.js';

const DEFAULT_LIMIT = 100;
const MAX_LIMIT = 1000;

/** The relays of this process, for retries. */
export interface DeadLetterContext {
  publishers: ReadonlyMap<string, Publisher>;
  metrics?: PublisherMetrics | undefined;
}

/** Registers the dead-letter routes. */
export function registerDeadLetterRoutes(app: FastifyInstance, runtime: Runtime, context: () => DeadLetterContext): void {
  app.get<{ Querystring: Record<string, unknown> }>('/dead-letters', async (request) => {
    const after = intParam(request.query.after, 'after') ?? 0;
    const limit = intParam(request.query.limit, 'limit', { min: 1, max: MAX_LIMIT }) ?? DEFAULT_LIMIT;
    const relay = request.query.relay;
    if (relay !== undefined && (typeof relay !== 'string' || relay === '')) throw new InvalidInputError('relay must be one relay name', undefined, 'BAD_REQUEST');
    const letters = await listDeadLetters(runtime.store, runtime.store.tables, { relay, after, limit });
    return { dead_letters: letters.map((d) => deadLetterJson(d, runtime.upcaster)), next_after: letters.at(-1)?.id ?? after };
  });

  app.post<{ Params: { id: string } }>('/dead-letters/:id/retry', async (request) => {
    const id = intParam(request.params.id, 'id', { min: 1 })!;
    const { publishers, metrics } = context();
    return retryDeadLetter(runtime, publishers, id, metrics);
  });
}
