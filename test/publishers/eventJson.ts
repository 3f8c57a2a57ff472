/** The event fixture of the publisher tests: an event as publishers receive it (EventJson), fields overridable. */
import type { EventJson } from '../../src/engine/toEventJson.js';

/** An `OrderCreated` event of order `o-1` at version 3, position 42, with correlation metadata; `over` replaces fields. */
export const eventJson = (over: Partial<EventJson> = {}): EventJson => ({
  id: '0190a1b2-0000-7000-8000-000000000001',
  type: 'OrderCreated',
  aggregate_type: 'order',
  aggregate_id: 'o-1',
  version: 3,
  position: 42,
  event_version: 2,
  data: { customer_id: 'c1' },
  metadata: { correlation_id: 'corr-1', causation_id: 'cause-1', user: 'u' },
  timestamp: '2025-01-02T03:04:05.678Z',
  ...over,
});
