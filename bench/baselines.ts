/**
 * Same-run baselines measured with plain `pg` / PGlite on the same server and the same rows,
 * so every tusk-es figure is read against what the machine can do (issue 8).
 */
import { Writable, Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { PGlite } from '@electric-sql/pglite';
import { rate, runFor } from './harness.js';

const TABLE = `CREATE TABLE IF NOT EXISTS bench_rows (
  position bigserial PRIMARY KEY, stream_id text NOT NULL, version int NOT NULL,
  type text NOT NULL, data jsonb NOT NULL, metadata jsonb NOT NULL, ts timestamptz NOT NULL DEFAULT now(),
  UNIQUE (stream_id, version))`;

/** The row every baseline writes: the same shape as one event. */
export function benchRow(i: number): [string, number, string, string, string] {
  return [
    `s-${i % 64}-${Math.floor(i / 64)}`,
    1,
    'ItemAdded',
    JSON.stringify({ sku: `sku-${i}`, quantity: 1 + (i % 5), unit_price: 9.5 }),
    '{}',
  ];
}

async function reset(pool: pg.Pool): Promise<void> {
  await pool.query('DROP TABLE IF EXISTS bench_rows');
  await pool.query(TABLE);
}

/** B1: one-row INSERT transactions (autocommit statements) from 8 clients, for `seconds`. */
export async function b1OneRowInserts(pool: pg.Pool, seconds: number, clients = 8): Promise<number> {
  await reset(pool);
  let row = 0;
  return runFor(clients, seconds, async () => {
    await pool.query('INSERT INTO bench_rows (stream_id, version, type, data, metadata) VALUES ($1, $2, $3, $4, $5)', benchRow(row++));
  });
}

/** B2: multi-row INSERT, 1000 rows per statement. */
export async function b2MultiRowInsert(pool: pg.Pool, total = 100_000, perStatement = 1000): Promise<number> {
  await reset(pool);
  return rate(total, async () => {
    for (let start = 0; start < total; start += perStatement) {
      const n = Math.min(perStatement, total - start);
      const cols: [string[], number[], string[], string[], string[]] = [[], [], [], [], []];
      for (let i = start; i < start + n; i++) {
        const r = benchRow(i);
        cols[0].push(r[0]);
        cols[1].push(r[1]);
        cols[2].push(r[2]);
        cols[3].push(r[3]);
        cols[4].push(r[4]);
      }
      await pool.query(
        'INSERT INTO bench_rows (stream_id, version, type, data, metadata) SELECT * FROM unnest($1::text[], $2::int[], $3::text[], $4::jsonb[], $5::jsonb[])',
        cols,
      );
    }
  });
}

/** B3: COPY of the same rows. */
export async function b3Copy(pool: pg.Pool, total = 100_000): Promise<number> {
  await reset(pool);
  const client = await pool.connect();
  try {
    return await rate(total, async () => {
      const stream = client.query(copyFrom('COPY bench_rows (stream_id, version, type, data, metadata) FROM STDIN'));
      const esc = (s: string) => s.replace(/\\/g, '\\\\').replace(/\t/g, '\\t').replace(/\n/g, '\\n');
      const source = Readable.from(
        (function* () {
          const chunk: string[] = [];
          for (let i = 0; i < total; i++) {
            chunk.push(
              benchRow(i)
                .map((v) => esc(String(v)))
                .join('\t'),
            );
            if (chunk.length === 1000) yield chunk.splice(0).join('\n') + '\n';
          }
          if (chunk.length) yield chunk.join('\n') + '\n';
        })(),
      );
      await pipeline(source, stream as unknown as Writable);
    });
  } finally {
    client.release();
  }
}

/** B4: plain SELECT and fold of a 10,000-event stream, `loads` times per run (events/s). */
export async function b4SelectFold(pool: pg.Pool, events = 10_000, loads = 10): Promise<number> {
  await pool.query('DROP TABLE IF EXISTS bench_stream');
  await pool.query('CREATE TABLE bench_stream (stream_id text, version int, type text, data jsonb, PRIMARY KEY (stream_id, version))');
  await pool.query(
    `INSERT INTO bench_stream SELECT 'one', g, 'ItemAdded', jsonb_build_object('sku', 'sku-' || g, 'quantity', 1 + g % 5, 'unit_price', 9.5)
     FROM generate_series(1, $1::int) g`,
    [events],
  );
  return rate(events * loads, async () => {
    for (let load = 0; load < loads; load++) {
      const { rows } = await pool.query('SELECT version, type, data FROM bench_stream WHERE stream_id = $1 ORDER BY version', ['one']);
      let total = 0;
      let count = 0;
      for (const r of rows as { data: { quantity: number; unit_price: number } }[]) {
        total += r.data.quantity * r.data.unit_price;
        count++;
      }
      if (count !== events || total <= 0) throw new Error('B4 fold read the wrong rows');
    }
  });
}

/** B5: PGlite (in memory, as the embedded figure) one-row transactions, in process, for `seconds`. */
export async function b5PgliteOneRow(seconds: number): Promise<number> {
  const db = new PGlite();
  await db.exec(TABLE);
  let row = 0;
  try {
    return await runFor(1, seconds, async () => {
      await db.query('INSERT INTO bench_rows (stream_id, version, type, data, metadata) VALUES ($1, $2, $3, $4, $5)', benchRow(row++));
    });
  } finally {
    await db.close();
  }
}
