import { defineConfig } from 'vitest/config';

/**
 * What `npm run mutate` runs against each mutant: the integrators' and optimisers' fast tests. verify.test.ts is left
 * out — instrumented by Stryker, its order ladders (2¹⁵ steps per system) put a run at ~10 hours on 2 cores.
 */
export default defineConfig({
  test: {
    include: [
      'test/integrators/reference-steps.test.ts',
      'test/integrators/method-table.test.ts',
      'test/integrators/physics.test.ts',
      'test/integrators/integrate-and-systems.test.ts',
      'test/optim/**/*.test.ts',
    ],
    setupFiles: ['test/setup.ts'],
    testTimeout: 120_000,
  },
});
