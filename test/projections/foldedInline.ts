/**
 * Inline projections folded into the append's statement (issue 21, AppendFold): a batch of
 * commands whose projection writes are plain inserts is ONE statement with its events, unique
 * values, projection rows and checkpoint; what cannot be folded (a write that needs the event's
 * position or the current row) is applied by the hook as before. Either way the rows, the
 * checkpoint and every command's answer are the same. Run on both backends (foldedInline.*.test.ts).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { projectionCheckpoint } from '../../src/projections/compile/compileProjection.js';
import type { Runtime } from '../../src/runtime/Runtime.js';
import { runMigrations } from '../../src/store/migrations/runMigrations.js';
import type { SqlClient } from '../../src/store/SqlClient.js';
import { SqlEventStore } from '../../src/store/SqlEventStore.js';
import { storeTables } from '../../src/store/tables.js';
import { countingClient } from '../support/countingClient.js';
import { allRows, modelOf, startRuntime } from './helpers.js';

const app = (extra = '') => `
aggregates = {
    user = {
        state = { email = "", name = "" }
        unique = ["email"]
        commands = {
            CreateUser = { creates = true, input = { email = "string", name = "string", age = "any?" }, emits = "UserCreated" }
            Rename = { input = { name = "string" }, emits = "Renamed" }
        }
    }
}
projections = {
    users = {
        table = "users"
        events = ["UserCreated", "Renamed"]
        columns = { id = "text primary key", email = "text", name = "text", age = "integer", created_at = "timestamptz"${extra === '' ? '' : ', pos = "bigint"'} }
        mapping = {
            UserCreated = { action = "insert", fields = { email = "data.email", name = "data.name", age = "data.age", created_at = "timestamp"${extra} } }
            Renamed = { action = "update", fields = { name = "data.name" } }
        }
    }
}
`;

/** Runs the suite on the backend `open` makes (a fresh, empty database per call). */
export function foldedInlineSuite(open: () => Promise<SqlClient>): void {
  let statements: string[] = [];
  let batches: number[] = [];
  const closers: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const close of closers.splice(0).reverse()) await close();
  });

  async function start(text: string): Promise<{ runtime: Runtime; rows: () => Promise<Record<string, unknown>[]> }> {
    // whole statements: a test reads what the folded one writes
    const client = countingClient(await open(), () => statements);
    const tables = storeTables('public', '');
    await runMigrations(client, tables);
    const store = new SqlEventStore(client, tables, { onBatch: (n) => batches.push(n) });
    closers.push(() => store.close());
    const started = await startRuntime(await modelOf(text), store);
    closers.push(() => started.close());
    statements = [];
    batches = [];
    return { runtime: started.runtime, rows: () => allRows(started.system, 'users') };
  }
  const create = (runtime: Runtime, i: number, email = `u${i}@x`) =>
    runtime.command({
      aggregateType: 'user',
      aggregateId: `u${String(i).padStart(2, '0')}`,
      command: 'CreateUser',
      input: { email, name: `n${i}` },
    });
  // the statements that write (not BEGIN/COMMIT, nor the read of the append lock's number)
  const writes = () => statements.filter((s) => !/^(BEGIN|COMMIT|SELECT)/.test(s));
  const checkpoint = async (runtime: Runtime) => runtime.store.loadCheckpoint(projectionCheckpoint('users'));
  const head = async (runtime: Runtime) => runtime.store.headPosition();

  describe('inline projections folded into the append statement', () => {
    it('a batch of creating commands is one statement: events, unique values, rows and checkpoint', async () => {
      const { runtime, rows } = await start(app());
      const results = await Promise.all(Array.from({ length: 16 }, (_, i) => create(runtime, i)));
      expect(Math.max(...batches)).toBeGreaterThan(1);
      expect(writes()).toHaveLength(batches.length);
      expect(writes().every((s) => s.startsWith('WITH'))).toBe(true);
      const all = await rows();
      expect(all.map((r) => [r.id, r.email, r.name])).toEqual(
        Array.from({ length: 16 }, (_, i) => [`u${String(i).padStart(2, '0')}`, `u${i}@x`, `n${i}`]),
      );
      // created_at is the event's time, as the hook writes it
      const events = await runtime.store.readAll({ after: 0, limit: 100 });
      for (const row of all)
        expect(new Date(row.created_at as string).getTime()).toBe(events.find((e) => e.streamId === row.id)!.timestamp.getTime());
      expect(await checkpoint(runtime)).toBe(await head(runtime));
      expect(Math.max(...results.map((r) => r.position))).toBe(await head(runtime));
    });

    it('a taken value fails only its own command; nothing of it is written, the rest of the batch is', async () => {
      const { runtime, rows } = await start(app());
      await create(runtime, 0, 'taken@x');
      const outcomes = await Promise.allSettled(
        Array.from({ length: 8 }, (_, i) => create(runtime, i + 1, i === 3 ? 'taken@x' : undefined)),
      );
      const codes = outcomes.map((o) => (o.status === 'fulfilled' ? 'ok' : (o.reason as { code: string }).code));
      expect(codes).toEqual(['ok', 'ok', 'ok', 'UNIQUE_VIOLATION', 'ok', 'ok', 'ok', 'ok']);
      expect((await rows()).map((r) => r.id)).toEqual(['u00', 'u01', 'u02', 'u03', 'u05', 'u06', 'u07', 'u08']);
      expect(await runtime.store.streamVersion('user', 'u04')).toBe(0);
      expect(await checkpoint(runtime)).toBe(await head(runtime));
    });

    it('a row the table refuses fails only its command with PROJECTION_FAILED, writing nothing of it', async () => {
      const { runtime, rows } = await start(app());
      // age is any JSON in the command, an integer in the table: only the table refuses "lots"
      const outcomes = await Promise.allSettled(
        Array.from({ length: 8 }, (_, i) =>
          i === 5
            ? runtime.command({
                aggregateType: 'user',
                aggregateId: 'bad',
                command: 'CreateUser',
                input: { email: 'b@x', name: 'b', age: 'lots' },
              })
            : create(runtime, i),
        ),
      );
      const codes = outcomes.map((o) => (o.status === 'fulfilled' ? 'ok' : (o.reason as { code: string }).code));
      expect(codes).toEqual(['ok', 'ok', 'ok', 'ok', 'ok', 'PROJECTION_FAILED', 'ok', 'ok']);
      expect(((outcomes[5] as PromiseRejectedResult).reason as Error).message).toMatch(/^projection users cannot apply UserCreated/);
      expect((await rows()).map((r) => r.id)).not.toContain('bad');
      expect(await runtime.store.streamVersion('user', 'bad')).toBe(0);
      expect(await checkpoint(runtime)).toBe(await head(runtime));
    });

    it('a row already in the table is kept and its command succeeds, as the hook would leave it', async () => {
      const { runtime, rows } = await start(app());
      await runtime.store.query(`INSERT INTO "public"."users" (id, email, name) VALUES ('u03', 'pre@x', 'pre')`);
      statements = [];
      await Promise.all(Array.from({ length: 8 }, (_, i) => create(runtime, i)));
      // PostgreSQL's one-statement batch inserts its rows without ON CONFLICT (each a speculative
      // insertion otherwise): the key there fails it, writing nothing, and the batch is written
      // again in a transaction, whose hook skips the row. PGlite's batch is a transaction already.
      const folded = writes().find((s) => s.startsWith('WITH'))!;
      expect(folded.includes('ON CONFLICT ("id")')).toBe(runtime.store.kind === 'embedded');
      const all = await rows();
      expect(all.map((r) => [r.id, r.email])).toEqual(Array.from({ length: 8 }, (_, i) => [`u0${i}`, i === 3 ? 'pre@x' : `u${i}@x`]));
      expect(await runtime.store.streamVersion('user', 'u03')).toBe(1);
      expect(await checkpoint(runtime)).toBe(await head(runtime));
    });

    it("reads a group's values from the batch's own event rows, the same text the process binds", async () => {
      const { runtime, rows } = await start(`
aggregates = {
    user = {
        state = { email = "" }
        commands = { CreateUser = { creates = true, input = { email = "string", name = "string", age = "any?" }, emits = "UserCreated" } }
    }
}
projections = {
    users = {
        table = "users"
        events = ["UserCreated"]
        columns = { id = "text primary key", email = "text", name = "text", age = "text", kind = "text", at = "text", created_at = "timestamptz" }
        mapping = {
            UserCreated = { action = "insert", fields = { email = "data.email", name = "UPPER(data.name)", age = "data.age", kind = "'new'", at = "timestamp", created_at = "NOW()" } }
        }
    }
}
`);
      const ages = [7, 2.5, 0.1 + 0.2, -3, 1e20, 1e-7, 12, 40];
      await Promise.all(
        ages.map((age, i) =>
          runtime.command({
            aggregateType: 'user',
            aggregateId: `u0${i}`,
            command: 'CreateUser',
            input: { email: `u${i}@x`, name: `n${i}`, age },
          }),
        ),
      );
      const events = await runtime.store.readAll({ after: 0, limit: 100 });
      const expected = ages.map((age, i) => {
        const at = events.find((e) => e.streamId === `u0${i}`)!.timestamp;
        return [`u0${i}`, `u${i}@x`, `N${i}`, String(age), 'new', at.toISOString(), at.getTime()];
      });
      const check = async () =>
        expect((await rows()).map((r) => [r.id, r.email, r.name, r.age, r.kind, r.at, new Date(r.created_at as string).getTime()])).toEqual(
          expected,
        );
      await check();
      // 1e20 and 1e-7 print differently in JSON and in jsonb: those batches bind their values
      const folded = writes().filter((s) => s.startsWith('WITH'));
      expect(folded.length).toBeGreaterThan(0);
      const fromRows = folded.filter((s) => s.includes('ev AS _tusk_e'));
      expect(fromRows.every((s) => !s.includes('jsonb_array_elements'))).toBe(true);
      // every batch of plain values reads its rows (a batch holding an exponent binds them)
      const plain = await Promise.all(
        [5, 6, 7].map((i) =>
          runtime.command({
            aggregateType: 'user',
            aggregateId: `p${i}`,
            command: 'CreateUser',
            input: { email: `p${i}@x`, name: 'p', age: i },
          }),
        ),
      );
      expect(plain).toHaveLength(3);
      expect(writes().filter((s) => s.includes('ev AS _tusk_e')).length).toBeGreaterThan(fromRows.length);
      // a document is bound as before (its JSON text is the bound one, not the row's)
      statements = [];
      await runtime.command({
        aggregateType: 'user',
        aggregateId: 'doc',
        command: 'CreateUser',
        input: { email: 'd@x', name: 'd', age: { a: 1 } },
      });
      expect(writes().some((s) => s.includes('ev AS _tusk_e'))).toBe(false);
      expect((await rows()).find((r) => r.id === 'doc')!.age).toBe('{"a": 1}');
    });

    it('writes that need the position or the current row are applied by the hook, with the same rows', async () => {
      const { runtime, rows } = await start(app(', pos = "position"'));
      await Promise.all(Array.from({ length: 8 }, (_, i) => create(runtime, i)));
      // not folded: the projection's insert and checkpoint are statements of their own
      expect(writes().length).toBeGreaterThan(batches.length);
      await Promise.all(
        Array.from({ length: 8 }, (_, i) =>
          runtime.command({ aggregateType: 'user', aggregateId: `u0${i}`, command: 'Rename', input: { name: `r${i}` } }),
        ),
      );
      const events = await runtime.store.readAll({ after: 0, limit: 100 });
      const all = await rows();
      expect(all.map((r) => [r.id, r.name, Number(r.pos)])).toEqual(
        Array.from({ length: 8 }, (_, i) => [
          `u0${i}`,
          `r${i}`,
          events.find((e) => e.streamId === `u0${i}` && e.type === 'UserCreated')!.position,
        ]),
      );
      expect(await checkpoint(runtime)).toBe(await head(runtime));
    });
  });
}
