import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Parsing real 50-page papers on a 2-core machine takes seconds; a hung test still fails.
    testTimeout: 120_000,
    hookTimeout: 120_000,
    pool: 'forks',
  },
});
