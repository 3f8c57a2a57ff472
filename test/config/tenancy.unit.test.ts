/** `event_store.tenancy` (issue 20): the key, its default, and conjoined on the embedded store as a located error. */
import { describe, expect, it } from 'vitest';
import { check, lines, modelOf } from './helpers.js';

describe('event_store.tenancy', () => {
  it('is absent by default (one tenant) and takes mode = "conjoined" on PostgreSQL', async () => {
    expect((await modelOf('')).model.event_store.tenancy).toBeUndefined();
    const { model, diagnostics } = await modelOf('event_store = { type = "postgresql", tenancy = { mode = "conjoined" } }');
    expect(diagnostics).toEqual([]);
    expect(model.event_store.tenancy).toEqual({ mode: 'conjoined' });
  });

  it('conjoined on the embedded store is a located error; an unknown mode too', async () => {
    expect(lines((await check('event_store = { tenancy = { mode = "conjoined" } }')).diagnostics)).toEqual([
      expect.stringMatching(
        /^1:\d+ error CONFIG_INVALID event_store\.tenancy\.mode: tenancy mode "conjoined" needs event_store\.type = "postgresql"/,
      ),
    ]);
    expect(
      lines(
        (await check('event_store = { type = "postgresql", tenancy = { mode = "conjoined" }, archive = { storage = "files" } }'))
          .diagnostics,
      ),
    ).toEqual([
      expect.stringMatching(/^1:\d+ error CONFIG_INVALID event_store\.archive\.storage: archive storage "files" is not supported/),
    ]);
    expect(lines((await check('event_store = { type = "postgresql", tenancy = { mode = "shared" } }')).diagnostics)).toEqual([
      expect.stringMatching(/^1:\d+ error CONFIG_INVALID event_store\.tenancy\.mode/),
    ]);
  });
});
