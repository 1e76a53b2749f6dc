import { defineConfig } from 'vitest/config';

/** The tests of the integrators and the optimisers: what `npm run mutate` runs against each mutant. */
export default defineConfig({
  test: {
    include: ['test/integrators/**/*.test.ts', 'test/optim/**/*.test.ts'],
    setupFiles: ['test/setup.ts'],
    testTimeout: 120_000,
  },
});
