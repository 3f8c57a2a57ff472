/** `tusk-es check` on sagas: the schema and cross-checks added for the saga runtime, located. */
import { describe, expect, it } from 'vitest';
import { diagnosticsOf } from '../config/helpers.js';
import { ORDER_AGGREGATES, SEED_SAGA } from './helpers.js';

const AGG = 'aggregates = { order = { commands = { Place = { creates = true, emits = "Placed" }, Undo = { emits = "Undone" } } } }\n';

describe('saga checks', () => {
  it('accepts seed 000 saga_config with aggregates that declare its commands', async () => {
    expect(await diagnosticsOf(`${ORDER_AGGREGATES}\n${SEED_SAGA}`)).toEqual([]);
  });

  it('refuses an aggregate name that starts with $ (saga streams use them)', async () => {
    expect(await diagnosticsOf('aggregates = { "$saga" = { commands = { A = { emits = "A" } } } }')).toEqual([
      '1:16 error CONFIG_INVALID aggregates."$saga": aggregate name `$saga` is reserved: names starting with `$` are tusk-es\'s own streams (sagas)',
    ]);
  });

  it('checks the expressions of call and compensation_call bodies', async () => {
    const text = `sagas = { s = { steps = [\n  { name = "a", call = { url = "http://x.test/", body = { n = "data.n + 1" } }, compensation_call = { url = "http://x.test/undo", body = { n = "UPPER(data.n, 2)" } } }\n] } }`;
    expect(await diagnosticsOf(text)).toEqual([
      '2:145 error EXPR_ARITY sagas.s.steps[0].compensation_call.body.n: UPPER takes 1 argument, not 2: UPPER(text)',
    ]);
  });

  it('refuses a step name used twice in one saga', async () => {
    const text = `${AGG}sagas = { s = { steps = [\n  { name = "a", command = "Place" },\n  { name = "a", command = "Undo" }\n] } }`;
    expect(await diagnosticsOf(text)).toEqual([
      '4:12 error CONFIG_INVALID sagas.s.steps[1].name: step name `a` is used twice in this saga (also step 1)',
    ]);
  });

  it('warns about compensation_target / compensation_input without a compensation command', async () => {
    const text = `${AGG}sagas = { s = { steps = [\n  { name = "a", command = "Place", compensation_target = "'x'", compensation_input = {} }\n] } }`;
    expect(await diagnosticsOf(text)).toEqual([
      '3:36 warning CONFIG_IGNORED sagas.s.steps[0].compensation_target: `compensation_target` has no effect without a `compensation` command',
      '3:65 warning CONFIG_IGNORED sagas.s.steps[0].compensation_input: `compensation_input` has no effect without a `compensation` command',
    ]);
  });

  it('refuses both compensation and compensation_call on one step, and a call URL that is not http(s)', async () => {
    const both = `${AGG}sagas = { s = { steps = [\n  { name = "a", command = "Place", compensation = "Undo", compensation_call = { url = "http://x.test/" } }\n] } }`;
    expect((await diagnosticsOf(both)).join('\n')).toMatch(
      /error CONFIG_INVALID sagas\.s\.steps\[0\]: step "a" has both `compensation` and `compensation_call`: keep one/,
    );
    const url = `sagas = { s = { steps = [\n  { name = "a", call = { url = "ftp://x.test/" } }\n] } }`;
    expect(await diagnosticsOf(url)).toEqual(['2:32 error CONFIG_INVALID sagas.s.steps[0].call.url: expected an http:// or https:// URL']);
  });
});
