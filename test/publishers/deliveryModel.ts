/** The app the delivery tests run: accounts on a real PostgreSQL, plus the publishers under test. */
import { appSchema, type AppConfig } from '../../src/config/schema/index.js';

/** A model on `pgUrl` with `extra` (publishers, subscribers) merged in. */
export function deliveryModel(pgUrl: string, extra: Record<string, unknown>): AppConfig {
  return appSchema.parse({
    event_store: { type: 'postgresql', connection: pgUrl },
    aggregates: {
      account: {
        state: { balance: 0 },
        commands: {
          Open: { creates: true, emits: 'AccountOpened' },
          Deposit: { input: { amount: 'integer' }, emits: 'Deposited' },
          Note: { input: { text: 'string' }, emits: 'Noted' },
        },
        apply: { Deposited: { balance: 'balance + data.amount' } },
      },
    },
    ...extra,
  });
}

/** A retry policy fast enough for tests. */
export const FAST_RETRIES = { max_retries: 3, backoff_multiplier: 2, initial_delay: 50, max_delay: 500 };
