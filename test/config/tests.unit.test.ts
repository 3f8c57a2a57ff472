import { describe, expect, it } from 'vitest';
import { diagnosticsOf, modelOf } from './helpers.js';

const APP = `aggregates = {
  order = {
    state = { status = "none" }
    commands = {
      CreateOrder = { creates = true, input = { customer_id = "string" }, emits = "OrderCreated" }
      ShipOrder = { require = ["status == 'pending'"], emits = "OrderShipped" }
    }
  }
}
projections = { orders = { table = "orders", events = ["OrderCreated"] } }
sagas = { ship = { starts_on = "OrderCreated", steps = [ { name = "ship", command = "ShipOrder" } ] } }
`;

describe('tests block: schema and cross-checks', () => {
  it('a valid scenario is part of the model, with its defaults', async () => {
    const { model, diagnostics } = await modelOf(`${APP}tests = {
  "ships" = { aggregate = "order", given = [ { type = "OrderCreated" } ], when = { command = "ShipOrder" }, then = [ { type = "OrderShipped" } ] }
}`);
    expect(diagnostics).toEqual([]);
    expect(model.tests.ships).toMatchObject({
      aggregate: 'order',
      aggregate_id: 'test-1',
      given: [{ type: 'OrderCreated', data: {}, metadata: {} }],
      when: { command: 'ShipOrder', input: {} },
    });
  });

  it('unknown aggregate, command, event, projection, saga step and error code are located errors', async () => {
    const diags = await diagnosticsOf(`${APP}tests = {
  "a" = { aggregate = "ordr", then_state = {} }
  "b" = { aggregate = "order", when = { command = "ShipOrdr" }, then = [ { type = "OrderShiped" } ] }
  "c" = { aggregate = "order", given = [ { type = "OrderCreatd" } ], then_rows = { ordrs = [] } }
  "d" = { aggregate = "order", when = { command = "ShipOrder" }, then_error = { code = "RULE_VIOLATON" } }
  "e" = { saga = "ship", given = [ { type = "OrderCreated" } ], outcomes = { shp = "fail" }, then_saga = { status = "compensated" } }
  "f" = { saga = "shipp", given = [ { type = "OrderCreated" } ], then_saga = {} }
}`);
    expect(diags).toEqual([
      '13:23 error CONFIG_REFERENCE tests.a.aggregate: aggregate `ordr` is not declared (did you mean `order`?)',
      '14:51 error CONFIG_REFERENCE tests.b.when.command: command `ShipOrdr` is not declared by aggregate `order` (did you mean `ShipOrder`?)',
      '14:83 error CONFIG_REFERENCE tests.b.then[0].type: event type `OrderShiped` is not declared (did you mean `OrderShipped`?)',
      '15:51 error CONFIG_REFERENCE tests.c.given[0].type: event type `OrderCreatd` is not declared (did you mean `OrderCreated`?)',
      '15:84 error CONFIG_REFERENCE tests.c.then_rows.ordrs: projection `ordrs` is not declared (did you mean `orders`?)',
      '16:88 error CONFIG_REFERENCE tests.d.then_error.code: error code `RULE_VIOLATON` is not in the error catalog (did you mean `RULE_VIOLATION`?)',
      '17:78 error CONFIG_REFERENCE tests.e.outcomes.shp: saga `ship` has no step `shp` (did you mean `ship`?)',
      '18:18 error CONFIG_REFERENCE tests.f.saga: saga `shipp` is not declared (did you mean `ship`?)',
    ]);
  });

  it('an aggregate or saga named like an Object.prototype member is not declared', async () => {
    const diags = await diagnosticsOf(`${APP}tests = {
  "a" = { aggregate = "toString", then_state = {} }
  "b" = { aggregate = "constructor", when = { command = "ShipOrder" }, then = [] }
  "c" = { saga = "constructor", given = [ { type = "OrderCreated" } ], then_saga = {} }
}`);
    expect(diags).toEqual([
      '13:23 error CONFIG_REFERENCE tests.a.aggregate: aggregate `toString` is not declared',
      '14:23 error CONFIG_REFERENCE tests.b.aggregate: aggregate `constructor` is not declared',
      '15:18 error CONFIG_REFERENCE tests.c.saga: saga `constructor` is not declared',
    ]);
  });

  it('a scenario with nothing to expect, or then without when, is refused', async () => {
    const diags = await diagnosticsOf(`${APP}tests = {
  "nothing" = { aggregate = "order" }
  "no when" = { aggregate = "order", then = [] }
}`);
    expect(diags).toEqual([
      '13:15 error CONFIG_INVALID tests.nothing: a scenario needs something to expect: then, then_error, then_state, then_rows, then_upcast or then_saga',
      '14:15 error CONFIG_INVALID tests."no when": `then` and `then_error` need a `when` command',
    ]);
  });
});
