import { describe, expect, it } from 'vitest';
import { diagnosticsOf } from './helpers.js';

describe('zod issues become located diagnostics', () => {
  it('an unknown key is located at the key, with did-you-mean from the schema', async () => {
    const text = 'aggregates = {\n  order = {\n    comands = {}\n    snapshot_frequency = 5\n  }\n}';
    expect(await diagnosticsOf(text)).toEqual([
      '3:5 error CONFIG_UNKNOWN_KEY aggregates.order.comands: unknown key (did you mean `commands`?)',
    ]);
  });

  it('an unknown key under an alias names and locates the key as written', async () => {
    const text = 'projection_config = {\n  users = { table = "users", evnts = ["X"] }\n}';
    expect(await diagnosticsOf(text)).toEqual([
      '2:30 error CONFIG_UNKNOWN_KEY projection_config.users.evnts: unknown key (did you mean `events`?)',
    ]);
  });

  it('several unknown keys in one object: one diagnostic each', async () => {
    const text = 'server = { prot = 1, hots = "x" }';
    expect(await diagnosticsOf(text)).toEqual([
      '1:12 error CONFIG_UNKNOWN_KEY server.prot: unknown key (did you mean `port`?)',
      '1:22 error CONFIG_UNKNOWN_KEY server.hots: unknown key (did you mean `host`?)',
    ]);
  });

  it('a bad duration is located at the value with the schema message', async () => {
    const text =
      'saga_config = {\n  s = {\n    steps = [{ name = "a", call = { url = "https://x.test" } }]\n    timeout = "30 minutez"\n  }\n}';
    expect(await diagnosticsOf(text)).toEqual([
      '4:15 error CONFIG_INVALID saga_config.s.timeout: bad duration "30 minutez" (expected e.g. "30 minutes", "1 hour", "24h", "7 years")',
    ]);
  });

  it('a bad size is located at the value', async () => {
    expect(await diagnosticsOf('server = { body_limit = "2 parsecs" }')).toEqual([
      '1:25 error CONFIG_INVALID server.body_limit: bad size "2 parsecs" (expected e.g. "10KB", "2GB")',
    ]);
  });

  it('a bad input type names the whole path', async () => {
    const text = [
      'aggregates = { order = { commands = { AddItem = {',
      '  input = { quantity = "integr" }',
      '  emits = "OrderItemAdded"',
      '} } } }',
    ].join('\n');
    expect(await diagnosticsOf(text)).toEqual([
      '2:24 error CONFIG_INVALID aggregates.order.commands.AddItem.input.quantity: unknown field type "integr" (expected one of string, number, integer, boolean, array, object, timestamp, uuid, email, any, optionally with ?)',
    ]);
  });

  it('an unknown key inside an object-form input field is reported through the union', async () => {
    const text = 'aggregates = { a = { commands = { C = { input = { n = { type = "integer", minimum = 1 } }, emits = "E" } } } }';
    expect(await diagnosticsOf(text)).toEqual([
      '1:75 error CONFIG_UNKNOWN_KEY aggregates.a.commands.C.input.n.minimum: unknown key (did you mean `min`?)',
    ]);
  });

  it('wrong types and enum values say what was expected and what was given', async () => {
    const text = 'projections = { p = { table = "t", events = "E", mode = "sometimes" } }\nserver = { port = "http" }';
    expect(await diagnosticsOf(text)).toEqual([
      '1:45 error CONFIG_INVALID projections.p.events: expected a list, got the string "E"',
      '1:57 error CONFIG_INVALID projections.p.mode: expected "inline" or "async", got "sometimes"',
      '2:19 error CONFIG_INVALID server.port: expected an integer',
    ]);
  });

  it('a missing required key is located at its object', async () => {
    expect(await diagnosticsOf('event_versioning = {\n  migrations = {\n    E_v1_to_v2 = { to_version = 2 }\n  }\n}')).toEqual([
      '3:5 error CONFIG_INVALID event_versioning.migrations.E_v1_to_v2.from_version: is required (a number)',
    ]);
  });
});
