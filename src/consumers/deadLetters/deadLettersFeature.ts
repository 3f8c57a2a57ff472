/**
 * Dead letters of every consumer (src/consumers/deadLetters): the HTTP routes, and the parked
 * count per consumer in /metrics (read from the store at scrape time, so every process of a
 * cluster reports the same figure).
 */
import { Gauge } from 'prom-client';
import type { Feature } from '../../runtime/Feature.js';
import { registerDeadLetterRoutes } from './deadLetterRoutes.js';
import { countParked } from './sql/parkedStreams.js';

/** The dead-letter routes and metrics every app has. */
export const deadLettersFeature: Feature = {
  name: 'dead letters',
  install(runtime) {
    const { store } = runtime;
    new Gauge({
      name: 'tusk_consumer_parked_events',
      help: 'Events a consumer has not handled and waits with for a retry (parked dead letters and the events of their streams held back behind them), by consumer, read from the store at scrape time.',
      labelNames: ['consumer'] as const,
      registers: [runtime.metrics.registry],
      async collect() {
        try {
          const counts = await countParked(store, store.tables);
          this.reset();
          for (const [consumer, n] of counts) this.set({ consumer }, n);
        } catch {
          // the store is unreachable: keep the last figures; /health reports the outage
        }
      },
    });
  },
  routes: registerDeadLetterRoutes,
};
