import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts', 'common/**/*.test.ts', 'actions/**/*.test.ts', 'scripts/**/*.test.ts', 'services/**/*.test.ts', 'infra-templates/**/*.test.ts', 'bench/**/*.test.ts'],
    exclude: ['**/node_modules/**', '**/dist/**', 'test/load/**'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // Two cores: files that start servers (moto, registry, PostgreSQL) must not all run at once.
    maxWorkers: 2,
    pool: 'forks',
  },
});
