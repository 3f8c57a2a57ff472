/** `check` runs the expression checker on every expression site of a config, located in the file. */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig, loadConfigText } from '../../src/config/index.js';
import type { Diagnostic } from '../../src/diagnostics.js';

const root = join(import.meta.dirname, '../..');
const lines = (diags: readonly Diagnostic[]) =>
  diags.map((d) => `${d.location?.line}:${d.location?.column} ${d.severity} ${d.code} ${d.message}`);

const APP = `
aggregates = {
    order = {
        state = { status = "none", items = [], total = 0 }
        commands = {
            AddItem = {
                input = { quantity = "integer", unit_price = "number" }
                require = [
                    { when = "status == 'pending' AND input.qty > 0", message = "m" },
                    "LENGHT(items) < 100"
                ]
                emit = { type = "ItemAdded", data = { line = "input.quantity * input.unit_price", note = "'n' * 2" } }
            }
        }
        apply = {
            ItemAdded = { total = "total + data.line", items = "APPEND(items, data, 1)", count = "cnt + 1" }
        }
    }
}
projections = {
    orders = {
        table = "orders"
        events = ["ItemAdded"]
        mapping = {
            ItemAdded = { action = "update", fields = { total_amount = "total_amont + data.line" } }
        }
    }
}
sagas = {
    s = {
        starts_on = "ItemAdded"
        steps = [{ name = "a", command = "AddItem", input = { quantity = "status" } }]
    }
}
event_versioning = {
    migrations = {
        ItemAdded_v1_to_v2 = { from_version = 1, to_version = 2, changes = { transform_fields = { line = "value * 100 +" } } }
    }
}
`;

describe('defaultExpressionChecker', () => {
  it('reports each expression problem at its place in the file', async () => {
    const { diagnostics } = await loadConfigText(APP, 'app.tsk', { mode: 'check', env: {} });
    expect(lines(diagnostics.filter((d) => d.code.startsWith('EXPR_')))).toEqual([
      '9:55 error EXPR_UNKNOWN_NAME aggregates.order.commands.AddItem.require[0].when: input.qty is not a declared input (declared: quantity, unit_price)',
      '10:22 error EXPR_UNKNOWN_NAME aggregates.order.commands.AddItem.require[1]: unknown function LENGHT (did you mean `LENGTH`?)',
      '12:107 error EXPR_TYPE aggregates.order.commands.AddItem.emit.data.note: * needs numbers, not text',
      '16:65 error EXPR_ARITY aggregates.order.apply.ItemAdded.items: APPEND takes 2 arguments, not 3: APPEND(array, value)',
      "16:99 warning EXPR_UNKNOWN_NAME aggregates.order.apply.ItemAdded.count: unknown state field 'cnt' (did you mean `count`?)",
      "25:73 error EXPR_UNKNOWN_NAME projections.orders.mapping.ItemAdded.fields.total_amount: unknown column 'total_amont' (did you mean `total_amount`?)",
      "32:75 error EXPR_UNKNOWN_NAME sagas.s.steps[0].input.quantity: unknown name 'status': a saga step can use data, metadata, timestamp, version, position, event_type, event_version, aggregate_id, aggregate_type, saga",
      '37:120 error EXPR_SYNTAX event_versioning.migrations.ItemAdded_v1_to_v2.changes.transform_fields.line: expected a value but found the end of the expression',
    ]);
  });

  it('finds nothing in config/app.tsk: `check --strict` stays clean', async () => {
    const { diagnostics, model } = await loadConfig(join(root, 'config/app.tsk'), { mode: 'check', env: {} });
    expect(lines(diagnostics)).toEqual([]);
    expect(model).toBeDefined();
  });

  it.each(readdirSync(join(root, 'test/fixtures/seeds')).filter((f) => f.endsWith('.tsk')))(
    'finds no expression problem in seed %s',
    async (name) => {
      const { diagnostics } = await loadConfig(join(root, 'test/fixtures/seeds', name), { mode: 'check', env: {} });
      expect(lines(diagnostics.filter((d) => d.code.startsWith('EXPR_')))).toEqual([]);
    },
  );
});
