/**
 * The default app (config/app.tsk) as a newcomer runs it: copied into a fresh directory and
 * served from there, so its embedded store is `./.tusk-data` on disk; or, with a PostgreSQL
 * URL, the same app with an `event_store` block added. Also the requests its figures send.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { LoadRequest } from './httpLoad.js';

// dist/bench/defaultApp.js → the repository root.
const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** A directory holding the default app's `app.tsk`; `remove` deletes it and its data. */
export interface AppDir {
  dir: string;
  file: string;
  remove(): void;
}

/** Copies config/app.tsk into a fresh directory (on PostgreSQL database `pgUrl` when given). */
export function defaultAppDir(pgUrl?: string): AppDir {
  const dir = mkdtempSync(join(tmpdir(), 'tusk-bench-app-'));
  const file = join(dir, 'app.tsk');
  const text = readFileSync(join(ROOT, 'config', 'app.tsk'), 'utf8');
  writeFileSync(file, pgUrl === undefined ? text : `${text}\nevent_store = { type = "postgresql", connection = "${pgUrl}" }\n`);
  return { dir, file, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Client c's i-th `CreateUser` of run `run` (every email distinct: each claims a unique value). */
export function createUser(run: string): (client: number, i: number) => LoadRequest {
  return (client, i) => ({
    path: '/aggregates/user/commands/CreateUser',
    body: `{"email":"u${run}-${client}-${i}@bench.example","name":"User ${i}"}`,
  });
}

/** The products the order flow reserves stock from (created once, with stock for any run). */
export const PRODUCTS = 64;

/** `CreateProduct` of product k. */
export function createProduct(k: number): LoadRequest {
  return {
    path: `/aggregates/product/p-${k}/commands/CreateProduct`,
    body: `{"sku":"P-${k}","name":"Product ${k}","price":5,"stock":1000000000}`,
  };
}

/** Client c's i-th `CreateOrder` of run `run` (which starts the saga: ReserveStock, ConfirmOrder). */
export function createOrder(run: string): (client: number, i: number) => LoadRequest {
  return (client, i) => ({
    path: `/aggregates/order/o-${run}-${client}-${i}/commands/CreateOrder`,
    body: `{"customer_id":"c-${client}","product_id":"p-${(client * 7 + i) % PRODUCTS}","quantity":1,"unit_price":5}`,
  });
}
