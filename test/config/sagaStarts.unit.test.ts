import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/index.js';
import { diagnosticsOf } from './helpers.js';

const AGGREGATES = [
  'aggregates = {',
  '  order = {',
  '    state = { status = "none" }',
  '    commands = {',
  '      CreateOrder = { creates = true, input = { product_id = "string", quantity = "integer" }, emits = "OrderCreated" }',
  '      ConfirmOrder = { emits = "OrderConfirmed" }',
  '    }',
  '  }',
  '  product = {',
  '    state = { stock = 0 }',
  '    commands = { ReserveStock = { input = { order_id = "string", quantity = "integer" }, emits = "StockReserved" } }',
  '  }',
  '}',
].join('\n');

const saga = (startsOn: string, steps: string[]) =>
  `${AGGREGATES}\nsagas = {\n  s = {\n${startsOn}    steps = [\n${steps.map((l) => `      ${l}`).join('\n')}\n    ]\n  }\n}`;
const sagaStart = (diags: string[]) => diags.filter((d) => d.includes('CONFIG_SAGA_START'));

describe('check: roots a saga started over HTTP does not have (issue 13 fault 7)', () => {
  it("warns, located, where a triggered saga reads aggregate_id (the default app's fault), not for a step without target", async () => {
    const text = saga('    starts_on = "OrderCreated"\n', [
      '{ name = "reserve", command = "ReserveStock", target = "data.product_id", input = { order_id = "aggregate_id", quantity = "data.quantity" } },',
      '{ name = "confirm", command = "ConfirmOrder" }',
    ]);
    const diags = sagaStart(await diagnosticsOf(text));
    expect(diags).toEqual([
      expect.stringMatching(
        /^18:\d+ warning CONFIG_SAGA_START sagas\.s\.steps\[0\]\.input\.order_id: `aggregate_id` is null when the saga is started over HTTP \(POST \/sagas\/s\) without `aggregate_id` in the body/,
      ),
    ]);
    // located on the read itself, inside the string
    const line18 = text.split('\n')[17]!;
    expect(diags[0]).toMatch(new RegExp(`^18:${line18.indexOf('aggregate_id"') + 1} `));
  });

  it('is quiet when a COALESCE gives every such read a fallback from the body', async () => {
    const text = saga('    starts_on = "OrderCreated"\n', [
      '{ name = "reserve", command = "ReserveStock", target = "data.product_id", input = { order_id = "COALESCE(aggregate_id, data.order_id)", quantity = "data.quantity" } },',
      '{ name = "confirm", command = "ConfirmOrder", target = "COALESCE(aggregate_id, data.order_id)" }',
    ]);
    expect(await diagnosticsOf(text)).toEqual([]);
  });

  it("in a saga only HTTP starts, aggregate_id is the body's; event roots are always null there", async () => {
    const text = saga('', [
      '{ name = "confirm", command = "ConfirmOrder" },',
      '{ name = "reserve", command = "ReserveStock", target = "data.product_id", input = { order_id = "CONCAT(aggregate_id, event_type)", quantity = "COALESCE(version, position)" } }',
    ]);
    const diags = sagaStart(await diagnosticsOf(text));
    expect(diags.map((d) => d.replace(/ is null.*/, ''))).toEqual([
      expect.stringMatching(/^18:\d+ warning CONFIG_SAGA_START sagas\.s\.steps\[1\]\.input\.order_id: `event_type`$/),
      expect.stringMatching(/^18:\d+ warning CONFIG_SAGA_START sagas\.s\.steps\[1\]\.input\.quantity: `version`$/),
      expect.stringMatching(/^18:\d+ warning CONFIG_SAGA_START sagas\.s\.steps\[1\]\.input\.quantity: `position`$/),
    ]);
  });

  it('the default app has none of these faults', async () => {
    const loaded = await loadConfig(join(import.meta.dirname, '..', '..', 'config', 'app.tsk'), { mode: 'check', env: {} });
    expect(loaded.diagnostics.map((d) => d.message)).toEqual([]);
  });
});
