import { loadApp } from './dist/src/runtime/loadApp.js';
import { startApp } from './dist/src/runtime/startApp.js';
const { model } = await loadApp('config/app.tsk', { mode: 'serve', runQueries: true });
model.event_store.data_dir = 'memory://'; model.server.log_level = 'warn';
const app = await startApp(model, { port: 0, host: '127.0.0.1' });
const rt = app.runtime;
for (let k = 0; k < 64; k++) await rt.command({ aggregateType: 'product', aggregateId: `p-${k}`, command: 'CreateProduct', input: { sku: `P-${k}`, name: 'x', price: 5, stock: 1e9 } });
for (let w = 0; w < Number(process.argv[2] ?? 4); w++) {
  let n = 0; const end = performance.now() + 5000; const t0 = performance.now();
  await Promise.all(Array.from({ length: 16 }, async (_, c) => { for (let i = 0; performance.now() < end; i++) { await rt.command({ aggregateType: 'order', aggregateId: `o-${w}-${c}-${i}`, command: 'CreateOrder', input: { customer_id: 'c', product_id: `p-${(c * 7 + i) % 64}`, quantity: 1, unit_price: 5 } }); n++; } }));
  const head = await rt.store.headPosition();
  console.log('window', w, 'orders/s', (n / ((performance.now() - t0) / 1000)).toFixed(0), 'head', head);
}
const q = async (sql, p = []) => console.log((await rt.store.query('EXPLAIN ' + sql, p)).rows.map((r) => r['QUERY PLAN']).join('\n'));
const now = new Date().toISOString();
await q(`SELECT id FROM saga_instances WHERE next_due_at <= $1 OR (status = 'running' AND deadline <= $1) ORDER BY LEAST(next_due_at, CASE WHEN status = 'running' THEN deadline END) LIMIT 100`, [now]);
await q(`SELECT position FROM events WHERE position > 5 AND type = ANY($1::text[]) AND tx_id < pg_snapshot_xmin(pg_current_snapshot()) ORDER BY position LIMIT 100`, [['OrderCreated']]);
console.log((await rt.store.query(`SELECT status, count(*)::int n, count(next_due_at)::int due FROM saga_instances GROUP BY 1`)).rows);
console.log((await rt.store.query(`SELECT relname, n_live_tup, last_analyze, last_autoanalyze FROM pg_stat_user_tables`)).rows);
await app.close();
