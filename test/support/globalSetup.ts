/**
 * Vitest global setup of the int and e2e projects: one PostgreSQL for the whole run, provided
 * to the tests as `pgUrl` (each test file makes its own database with `createTestDatabase`).
 * Redis and RabbitMQ are started per test file (`startRedis`, `startRabbit`) because tests stop
 * and restart them mid-test.
 */
import type { TestProject } from 'vitest/node';
import { startPostgres, type PostgresServer } from './postgres.js';

declare module 'vitest' {
  export interface ProvidedContext {
    /** Superuser URL of the run's PostgreSQL (`postgres` database). */
    pgUrl: string;
  }
}

interface Shared {
  server: Promise<PostgresServer>;
  projects: number;
}

// Vitest runs this setup once per project, in one process: int and e2e share the server
// through globalThis (each project loads its own copy of this module).
const KEY = Symbol.for('tusk-es.test.postgres');
const registry = globalThis as { [KEY]?: Shared };

/** Starts (or joins) the run's PostgreSQL, provides `pgUrl`, and stops it after the last project. */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const shared = (registry[KEY] ??= { server: startPostgres(), projects: 0 });
  shared.projects++;
  let server: PostgresServer;
  try {
    server = await shared.server;
  } catch (error) {
    if (--shared.projects === 0) delete registry[KEY];
    throw error;
  }
  project.provide('pgUrl', server.url);
  return async () => {
    if (--shared.projects > 0) return;
    delete registry[KEY];
    await server.stop();
  };
}
