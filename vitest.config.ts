import { defineConfig } from 'vitest/config';

// Tests are split by suffix: *.unit.test.ts (no servers), *.int.test.ts (real PostgreSQL,
// Redis, RabbitMQ started by test/support), *.e2e.test.ts (the real CLI as a child process).
export default defineConfig({
  test: {
    projects: [
      { test: { name: 'unit', include: ['test/**/*.unit.test.ts'], testTimeout: 20_000 } },
      {
        test: {
          name: 'int',
          include: ['test/**/*.int.test.ts'],
          testTimeout: 60_000,
          hookTimeout: 180_000,
        },
      },
      {
        test: {
          name: 'e2e',
          include: ['test/**/*.e2e.test.ts'],
          testTimeout: 120_000,
          hookTimeout: 180_000,
        },
      },
    ],
  },
});
