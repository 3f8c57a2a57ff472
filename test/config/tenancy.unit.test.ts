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

  it('takes mode = "schema" | "database" with shards, a control database and a placement policy', async () => {
    const { model, diagnostics } = await modelOf(`event_store = {
    type = "postgresql"
    tenancy = {
        mode = "database"
        control = "postgres://127.0.0.1:5432/control"
        shards = [ { name = "s1", connection = "postgres://127.0.0.1:5433/postgres" }, { name = "s2", connection = { host = "db2", port = 5434 } } ]
        placement = "hash"
    }
}`);
    expect(diagnostics).toEqual([]);
    expect(model.event_store.tenancy).toEqual({
      mode: 'database',
      control: 'postgres://127.0.0.1:5432/control',
      shards: [
        { name: 's1', connection: 'postgres://127.0.0.1:5433/postgres' },
        { name: 's2', connection: { host: 'db2', port: 5434, database: 'postgres' } },
      ],
      placement: 'hash',
    });
    // schema mode on the store's own connection: no shards or control needed
    const schema = await modelOf('event_store = { type = "postgresql", connection = "postgres://h/db", tenancy = { mode = "schema" } }');
    expect(schema.diagnostics).toEqual([]);
    expect(schema.model.event_store.tenancy).toEqual({ mode: 'schema' });
  });

  it('reports schema/database modes the store cannot run as located errors', async () => {
    expect(lines((await check('event_store = { tenancy = { mode = "schema" } }')).diagnostics)).toEqual([
      expect.stringMatching(
        /^1:\d+ error CONFIG_INVALID event_store\.tenancy\.mode: tenancy mode "schema" needs event_store\.type = "postgresql"/,
      ),
      expect.stringMatching(
        /^1:\d+ error CONFIG_INVALID event_store\.tenancy\.mode: tenancy mode "schema" needs `shards` or event_store\.connection/,
      ),
      expect.stringMatching(/^1:\d+ error CONFIG_INVALID event_store\.tenancy\.mode: tenancy mode "schema" needs `control`/),
    ]);
    expect(
      lines(
        (await check('event_store = { type = "postgresql", connection = "postgres://h/db", tenancy = { mode = "database" } }')).diagnostics,
      ),
    ).toEqual([
      expect.stringMatching(/^1:\d+ error CONFIG_INVALID event_store\.tenancy\.mode: tenancy mode "database" needs `shards = \[/),
    ]);
    const twice = `event_store = {
    type = "postgresql"
    connection = "postgres://h/db"
    tenancy = { mode = "database", shards = [ { name = "a", connection = "postgres://h1/p" }, { name = "a", connection = "postgres://h2/p" } ] }
}`;
    expect(lines((await check(twice)).diagnostics)).toEqual([
      expect.stringMatching(/^4:\d+ error CONFIG_INVALID event_store\.tenancy\.shards\[1\]\.name: two shards are named "a"/),
    ]);
    expect(
      lines((await check('event_store = { type = "postgresql", tenancy = { mode = "database", placement = "random" } }')).diagnostics),
    ).toEqual([expect.stringMatching(/^1:\d+ error CONFIG_INVALID event_store\.tenancy\.placement/)]);
  });
});
