/** `tusk-es check` on `partitions`: accepted where a consumer of the log reads, located warnings where it has no effect, located errors for bad counts. */
import { describe, expect, it } from 'vitest';
import { diagnosticsOf } from '../config/helpers.js';

const AGG = 'aggregates = { order = { commands = { Place = { creates = true, emits = "Placed" } } } }\n';
const PROJECTION = (extra: string) => `${AGG}projections = { orders = { table = "orders", events = ["Placed"]${extra} } }`;

describe('partitions in check', () => {
  it('accepts partitions on an async projection, a publisher, a subscriber and a saga with starts_on', async () => {
    const text = `${PROJECTION(', mode = "async", partitions = 4')}
publishers = { webhooks = { endpoints = ["http://hooks.test/in"], partitions = 2 } }
subscribers = { audit = { webhook = "http://audit.test/in", partitions = 3 } }
sagas = { s = { starts_on = "Placed", partitions = 2, steps = [{ name = "a", call = { url = "http://x.test/" } }] } }`;
    expect(await diagnosticsOf(text)).toEqual([]);
  });

  it('refuses a count below 1 or above 256, located', async () => {
    expect(await diagnosticsOf(PROJECTION(', mode = "async", partitions = 0'))).toEqual([
      '2:96 error CONFIG_INVALID projections.orders.partitions: must be between 1 and 256',
    ]);
    expect((await diagnosticsOf(`publishers = { webhooks = { endpoints = ["http://h.test/"], partitions = 1000 } }`)).join('\n')).toMatch(
      /error CONFIG_INVALID publishers\.webhooks\.partitions: must be between 1 and 256/,
    );
  });

  it('warns where partitions has no effect: an inline projection, a saga without starts_on', async () => {
    expect(await diagnosticsOf(PROJECTION(', partitions = 4'))).toEqual([
      '2:67 warning CONFIG_IGNORED projections.orders.partitions: `partitions` applies to async projections only: an inline projection is written in the append\'s transaction (set mode = "async")',
    ]);
    const saga = 'sagas = { s = { partitions = 2, steps = [{ name = "a", call = { url = "http://x.test/" } }] } }';
    expect(await diagnosticsOf(saga)).toEqual([
      '1:17 warning CONFIG_IGNORED sagas.s.partitions: `partitions` splits the reader of `starts_on` events; this saga has none (it starts over HTTP only)',
    ]);
  });
});
