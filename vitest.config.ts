import { defineConfig } from 'vitest/config';

// Unit tests run once; integration tests (*.int.test.ts) run against every available database:
// PGlite always, PostgreSQL when TEST_DATABASE_URL or DATABASE_URL is set.
const pgUrl = process.env.TEST_DATABASE_URL || process.env.DATABASE_URL;
const dbProject = (kind: 'pglite' | 'postgres') => ({
  test: {
    name: kind,
    include: ['server/src/**/*.int.test.ts'],
    globalSetup: [`server/src/test/globalSetup.${kind}.ts`],
    env: { GW_TEST_DB: kind },
    testTimeout: 60_000,
    hookTimeout: 120_000,
  },
});

export default defineConfig({
  test: {
    projects: [
      { test: { name: 'unit', include: ['server/src/**/*.test.ts', 'web/src/**/*.test.ts'], exclude: ['**/*.int.test.ts', '**/node_modules/**'] } },
      dbProject('pglite'),
      ...(pgUrl ? [dbProject('postgres')] : []),
    ],
  },
});
