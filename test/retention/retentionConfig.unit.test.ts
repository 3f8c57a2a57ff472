/** `check` on the keys of retention and deletion: located errors for bad values; the model they make. */
import { describe, expect, it } from 'vitest';
import { diagnosticsOf, modelOf } from '../config/helpers.js';

const aggregate = (retention: string) => `aggregates = {
    account = {
        ${retention}
        commands = { Open = { creates = true, input = { owner = "string" }, emits = "Opened" } }
    }
}
`;

describe('retention and on_stream_deleted in check', () => {
  it('reads retention with durations and a default check interval', async () => {
    const { model, diagnostics } = await modelOf(aggregate('retention = { max_age = "400 days", max_count = 10000 }'));
    expect(diagnostics).toEqual([]);
    expect(model.aggregates.account!.retention).toEqual({ max_age: 400 * 86_400_000, max_count: 10000, check_every: 3_600_000 });
  });

  it('reports an empty retention, a bad duration and a count below 1, located', async () => {
    expect(await diagnosticsOf(aggregate('retention = { check_every = "1 hour" }'))).toEqual([
      '3:21 error CONFIG_INVALID aggregates.account.retention: retention needs max_age, max_count or both',
    ]);
    const bad = await diagnosticsOf(aggregate('retention = { max_age = "400 dayz", max_count = 0 }'));
    expect(bad).toEqual([
      '3:33 error CONFIG_INVALID aggregates.account.retention.max_age: bad duration "400 dayz" (expected e.g. "30 minutes", "1 hour", "24h", "7 years")',
      '3:57 error CONFIG_INVALID aggregates.account.retention.max_count: must be at least 1',
    ]);
  });

  it('checks on_stream_deleted: its values, and the columns its where names', async () => {
    const projection = (value: string) =>
      `${aggregate('')}projections = { p = { table = "p", events = ["Opened"], on_stream_deleted = ${value} } }\n`;
    expect(await diagnosticsOf(projection('"delete"'))).toEqual([]);
    expect((await diagnosticsOf(projection('"drop"')))[0]).toContain(
      'projections.p.on_stream_deleted: expected "keep" or "delete", got "drop"',
    );
    const where = await diagnosticsOf(projection('{ where = "nosuch = aggregate_id" }'));
    expect(where).toHaveLength(1);
    expect(where[0]).toMatch(/^7:\d+ error EXPR_UNKNOWN_NAME .*nosuch/);
  });

  it('checks on_snapshot like a mapping, and warns when a projection fed by an aggregate with retention has none', async () => {
    const projection = (retention: string, extra: string) =>
      `${aggregate(retention)}projections = { p = { table = "p", events = ["Opened"]${extra} } }\n`;
    expect(await diagnosticsOf(projection('', ''))).toEqual([]);
    const unmapped = await diagnosticsOf(projection('retention = { max_count = 10 }', ''));
    expect(unmapped).toHaveLength(1);
    expect(unmapped[0]).toMatch(
      /^7:\d+ warning CONFIG_SNAPSHOT_UNMAPPED projections\.p: account has retention, but this projection declares no on_snapshot/,
    );
    const mapped = ', on_snapshot = { action = "upsert", fields = { owner = "data.state.owner" } }';
    expect(await diagnosticsOf(projection('retention = { max_count = 10 }', mapped))).toEqual([]);
    const bad = await diagnosticsOf(projection('retention = { max_count = 10 }', ', on_snapshot = { fields = { owner = "nosuch(1)" } }'));
    expect(bad).toHaveLength(1);
    expect(bad[0]).toMatch(/^7:\d+ error EXPR_UNKNOWN_NAME projections\.p\.on_snapshot\.fields\.owner: .*NOSUCH/);
  });
});
