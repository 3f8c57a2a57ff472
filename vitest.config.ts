import { defineConfig } from 'vitest/config';

// Tests are split by suffix: *.unit.test.ts (no servers), *.int.test.ts (real PostgreSQL,
// Redis, RabbitMQ started by test/support), *.e2e.test.ts (the real CLI as a child process).
// The int and e2e projects share one PostgreSQL for the run (test/support/globalSetup.ts);
// its hook timeouts leave room for a first run that installs the servers with apt-get.
export default defineConfig({
  test: {
    projects: [
      // Unit tests start in-memory PGlite stores and run sagas and rebuilds on them: seconds each,
      // and tens of seconds on a busy 2-core CI machine.
      { test: { name: 'unit', include: ['test/**/*.unit.test.ts'], testTimeout: 60_000, hookTimeout: 60_000 } },
      {
        test: {
          name: 'int',
          include: ['test/**/*.int.test.ts'],
          globalSetup: ['test/support/globalSetup.ts'],
          testTimeout: 60_000,
          hookTimeout: 600_000,
        },
      },
      {
        test: {
          name: 'e2e',
          include: ['test/**/*.e2e.test.ts'],
          globalSetup: ['test/support/globalSetup.ts'],
          testTimeout: 120_000,
          hookTimeout: 600_000,
        },
      },
    ],
  },
});
